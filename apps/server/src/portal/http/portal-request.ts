import type { FastifyRequest } from 'fastify';

/** A request that passed the session guard. */
export type PortalRequest = FastifyRequest & { parentId?: string; sessionToken?: string };
