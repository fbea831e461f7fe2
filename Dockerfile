# syntax=docker/dockerfile:1

# ---- build: compile TypeScript with dev dependencies, then drop them ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY preview ./preview
COPY scripts/build-preview.mjs scripts/ensure-build.mjs scripts/lock-file.mjs ./scripts/
RUN npm run build && npm prune --omit=dev

# ---- runtime: production dependencies and dist/ only, as an unprivileged user ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The one folder the server writes: kept media files (FLOW_MEDIA_DIR=.data/media). Mount a volume
# there so they outlive the container; the code itself stays owned by root.
RUN install -d -o node -g node /app/.data /app/.data/media
VOLUME ["/app/.data/media"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The server applies pending migrations (under a Postgres advisory lock) before it starts serving.
# register.js starts tracing when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT) and
# loads nothing otherwise: turning traces on is a matter of variables only.
# --no-memory-reducer: V8 would shrink the heap after a lull, so the next burst of users would start on
# a heap too small for it, collected over and over (docs/performance.md#the-runtime-flag).
CMD ["node", "--no-memory-reducer", "--import", "./dist/src/tracing/register.js", "dist/src/main.js"]
