# One image for every service; the command picks it: api, engine, ws-server, db-writer, migrate.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# the lock file holds every platform's optional packages: npm ci installs exactly it
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/events ./events
USER node
EXPOSE 3000 3001 3002 3003
ENTRYPOINT ["node", "dist/scripts/service.js"]
CMD ["api"]
