# syntax=docker/dockerfile:1
# The image runs the built JavaScript (dist/) with plain node: no TypeScript, no compiler, no dev dependency.
# `docker build -t license-gateway .`; compose.yaml shows how to run it.
# test/ops/container.test.ts checks this file: the stages, the user, and that CMD and HEALTHCHECK are the commands
# the tests run.

# Build: every dependency (esbuild is a dev one), the bundle, then the dev dependencies removed.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The compilers for better-sqlite3's addon, in the build stage only: its install script downloads a prebuilt addon
# for this Node and platform when it can reach GitHub, and compiles it (python3, make, g++) when it cannot, as on
# a network that reaches only the npm registry. The final stage has the same base, so the addon runs there.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# --ignore-scripts: the package's own prepare script builds, and the sources are not here yet (they come after,
# so that this layer is reused while only they change); rebuild then runs the dependencies' install scripts.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The embedded store's default directory (sqlite://./data/store.db), writable by the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
# The image's own unprivileged user (uid 1000).
USER node
EXPOSE 4000
# Alive, not ready: an orchestrator restarts a container whose process stopped answering, not one whose vendors
# are down. Readiness (/readyz) is for the load balancer.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# No config: the demo. With --config FILE (or GATEWAY_CONFIG) the real thing; see compose.yaml.
CMD ["node", "--enable-source-maps", "--max-old-space-size=1024", "dist/main.js"]
