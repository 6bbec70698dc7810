/**
 * Origins the demo lets call it from a browser: any port on localhost and 127.0.0.1, where a front end's
 * development server runs (Vite, Next, Create React App each pick their own port). Nothing else: the demo runs
 * with authentication off, so a page anywhere else on the web must not be able to call it.
 */
export const DEMO_CORS_ORIGINS = ["http://localhost:*", "http://127.0.0.1:*"];
