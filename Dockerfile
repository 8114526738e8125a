# syntax=docker/dockerfile:1.7
# One image recipe for every Huimin service:
#   docker build --build-arg SERVICE=ingest --build-arg PORT=8080 -t huimin/ingest .
#
# Layout: Node 24 strips TypeScript types itself but refuses to for files under node_modules, so
# the image keeps the workspace layout — libs/ and services/<name>/ as real directories, with
# pnpm's node_modules linking @huimin/* to ../../libs/* — rather than `pnpm deploy`, which would
# copy the libs into node_modules. tools/deploy-check builds exactly this layout in a temporary
# directory and starts a service from it (image-layout.test.ts); keep the two in step.

ARG NODE_IMAGE=node:24-slim

# ---- dependencies: production packages of one service and the libs it uses ----
FROM ${NODE_IMAGE} AS deps
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<name>" >&2; exit 1; }
RUN npm install --global pnpm@10.34.9
WORKDIR /src
# The lockfile alone fills pnpm's store, so this layer is rebuilt only when dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
# notify serves the case-handler console: built here with its dev dependencies (Vite, Preact) into
# services/notify/console/dist, then the install starts afresh so none of them reach the image.
RUN if [ "${SERVICE}" = notify ]; then \
      pnpm install --offline --frozen-lockfile --filter "@huimin/notify" \
      && pnpm --filter "@huimin/notify" run build:console \
      && rm -rf node_modules libs/*/node_modules services/*/node_modules tools/*/node_modules; \
    fi
RUN pnpm install --offline --prod --frozen-lockfile --filter "@huimin/${SERVICE}..."

# ---- runtime: what the service needs and nothing else, run as the unprivileged `node` user ----
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORT=8080
# npm_package_name: what `pnpm start` would set; kit's runService names its fallback logger by it.
ENV NODE_ENV=production \
    PORT=${PORT} \
    npm_package_name=@huimin/${SERVICE}
WORKDIR /app
COPY --from=deps /src/package.json ./package.json
COPY --from=deps /src/node_modules ./node_modules
COPY --from=deps /src/libs ./libs
COPY --from=deps /src/proto ./proto
COPY --from=deps /src/services/${SERVICE} ./services/${SERVICE}
WORKDIR /app/services/${SERVICE}
USER node
EXPOSE ${PORT}
# slim images have no curl; Node's fetch asks the service's own liveness endpoint.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--import", "@huimin/kit/instrument", "src/main.ts"]
