# syntax=docker/dockerfile:1
# Meshcall: the custom Next.js server with its signaling socket, built for production.
#   docker build -t meshcall .
#   docker run -p 3000:3000 -e PUBLIC_ORIGIN=https://call.example.com meshcall

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000
COPY --from=runtime-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/.next ./.next
COPY --from=build --chown=node:node /app/dist ./dist
# Background blur's worker, model and wasm, served from our own origin.
COPY --from=build --chown=node:node /app/public ./public
COPY --chown=node:node package.json next.config.js ./
# next.config.js reads the security headers from here.
COPY --chown=node:node lib/security/security-headers.json ./lib/security/
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM from `docker stop` lets the server close sockets with "reconnect elsewhere" first.
CMD ["node", "dist/server.mjs"]
