# syntax=docker/dockerfile:1
# The gateway runs its TypeScript through tsx, a runtime dependency: there is no build step, so the image is the
# production dependencies and the sources. `docker build -t license-gateway .`; compose.yaml shows how to run it.
# test/ops/container.test.ts checks this file: the stages, the user, and that CMD and HEALTHCHECK are the commands
# the tests run.

# Production dependencies only, installed exactly as locked.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# tsconfig.json too: tsx reads experimentalDecorators from it (type-graphql's decorators).
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
# The embedded store's default directory (pglite://./data/store), writable by the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
# The image's own unprivileged user (uid 1000).
USER node
EXPOSE 4000
# Alive, not ready: an orchestrator restarts a container whose process stopped answering, not one whose vendors
# are down. Readiness (/readyz) is for the load balancer.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# No config: the demo. With --config FILE (or GATEWAY_CONFIG) the real thing; see compose.yaml.
CMD ["node", "--import", "tsx", "src/main.ts"]
