import { Body, Controller, HttpCode, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { CardIngestService, IngestReport } from '../domain/card-ingest';
import { AuthorityRequest, AuthorityTokenGuard } from './authority-token.guard';
import { IngestErrorFilter } from './ingest-error.filter';

/**
 * POST /api/v1/authority/cards  `{"cards": [{nationalNumber, contactCode, issuedOn, firstName, lastName}, ...]}`
 * → 200 `{received, accepted: [{index, outcome}], rejected: [{index, problems: [{field, problem}]}], blockedCascades}`.
 * Records are identified by their index in the batch: no personal value is echoed back.
 */
@Controller('api/v1/authority')
@UseGuards(AuthorityTokenGuard)
@UseFilters(IngestErrorFilter)
export class AuthorityCardsController {
  constructor(private readonly ingest: CardIngestService) {}

  @Post('cards')
  @HttpCode(200)
  async postCards(@Body() body: unknown, @Req() request: AuthorityRequest): Promise<IngestReport> {
    const cards = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { cards?: unknown }).cards : undefined;
    return this.ingest.ingest(cards, { kind: 'authority', id: request.authority!.id });
  }
}
