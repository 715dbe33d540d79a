import { Body, Controller, HttpCode, Optional, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { Metrics } from '../../metrics/metrics';
import { CardIngestService, IngestReport } from '../domain/card-ingest';
import { AuthorityRequest, AuthorityTokenGuard } from './authority-token.guard';
import { CardsBatchDoc, IngestErrorView, IngestReportView } from './authority-cards.views';
import { IngestErrorFilter } from './ingest-error.filter';

/**
 * POST /api/v1/authority/cards  `{"cards": [{nationalNumber, contactCode, issuedOn, firstName, lastName}, ...]}`
 * → 200 `{received, accepted: [{index, outcome}], rejected: [{index, problems: [{field, problem}]}], blockedCascades}`.
 * Records are identified by their index in the batch: no personal value is echoed back.
 */
/** The one endpoint whose bodies may exceed the default limit (HTTP_BODY_LIMIT_BYTES; main.ts). */
export const AUTHORITY_BATCH_PATH = '/api/v1/authority/cards';

@ApiTags('authority')
@Controller('api/v1/authority')
@UseGuards(AuthorityTokenGuard)
@UseFilters(IngestErrorFilter)
export class AuthorityCardsController {
  constructor(
    private readonly ingest: CardIngestService,
    // The app counts ingested cards; test modules built without the metrics module count nothing.
    @Optional() private readonly metrics?: Metrics,
  ) {}

  @Post('cards')
  @ApiOperation({ summary: 'Send newly issued cards (the issuing authority)', description: 'Idempotent: a record sent again is `already-present`. A new card blocks the child\'s active cascade and voids the old code.' })
  @ApiBody({ type: CardsBatchDoc })
  @ApiOkResponse({ type: IngestReportView, description: 'Each record accepted or rejected with its reasons.' })
  @ApiBadRequestResponse({ type: IngestErrorView, description: 'Not a batch, or an empty one.' })
  @ApiPayloadTooLargeResponse({ type: IngestErrorView, description: 'More cards than a batch holds.' })
  @HttpCode(200)
  async postCards(@Body() body: unknown, @Req() request: AuthorityRequest): Promise<IngestReport> {
    const cards = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { cards?: unknown }).cards : undefined;
    const report = await this.ingest.ingest(cards, { kind: 'authority', id: request.authority!.id });
    for (const { outcome } of report.accepted) this.metrics?.cardsIngested.inc({ outcome });
    this.metrics?.cardsIngested.inc({ outcome: 'rejected' }, report.rejected.length);
    return report;
  }
}
