import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IngestError, IngestErrorCode } from '../domain/card-ingest';

const STATUS: Record<IngestErrorCode, number> = {
  'not-a-batch': HttpStatus.BAD_REQUEST,
  'empty-batch': HttpStatus.BAD_REQUEST,
  'batch-too-large': HttpStatus.PAYLOAD_TOO_LARGE,
};

/** Maps the ingest's domain errors to HTTP: the domain stays transport-neutral. */
@Catch(IngestError)
export class IngestErrorFilter implements ExceptionFilter {
  catch(error: IngestError, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().status(STATUS[error.code]).send({ error: error.code, message: error.message });
  }
}
