FROM node:20-bookworm-slim
WORKDIR /opt/alloparents
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY apps ./apps
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev
USER node
CMD ["sh", "-c", "node dist/apps/server/src/cli/migrate.js && exec node dist/apps/server/src/main.js"]
