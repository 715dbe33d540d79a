import { Body, Controller, HttpCode, Optional, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import { Metrics } from '../../metrics/metrics';
import { CardIngestService, IngestReport } from '../domain/card-ingest';
import { CardRevocationService, RevocationReport } from '../domain/card-revocation';
import { AuthorityRequest, AuthorityTokenGuard } from './authority-token.guard';
import { CardsBatchDoc, IngestErrorView, IngestReportView, RevocationReportView, RevocationsBatchDoc } from './authority-cards.views';
import { IngestErrorFilter } from './ingest-error.filter';

/**
 * POST /api/v1/authority/cards  `{"cards": [{nationalNumber, contactCode, issuedOn, firstName, lastName}, ...]}`
 * → 200 `{received, accepted: [{index, outcome}], rejected: [{index, problems: [{field, problem}]}], blockedCascades}`.
 * POST /api/v1/authority/cards/revocations  `{"revocations": [{nationalNumber, issuedOn}, ...]}` → the same shape.
 * Records are identified by their index in the batch: no personal value is echoed back.
 */
/** The only endpoints whose bodies may exceed the default limit (HTTP_BODY_LIMIT_BYTES; main.ts): the authority's batches. */
export const AUTHORITY_BATCH_PATHS: readonly string[] = ['/api/v1/authority/cards', '/api/v1/authority/cards/revocations'];

@ApiTags('authority')
@Controller('api/v1/authority')
@UseGuards(AuthorityTokenGuard)
@UseFilters(IngestErrorFilter)
export class AuthorityCardsController {
  constructor(
    private readonly ingest: CardIngestService,
    private readonly revocations: CardRevocationService,
    // The app counts ingested cards; test modules built without the metrics module count nothing.
    @Optional() private readonly metrics?: Metrics,
  ) {}

  @Post('cards')
  @ApiOperation({ summary: 'Send newly issued cards (the issuing authority)', description: 'Idempotent: a record sent again is `already-present`. A new card blocks the child\'s active or paused cascade and voids the old code.' })
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

  @Post('cards/revocations')
  @ApiOperation({
    summary: 'Revoke lost or stolen cards (the issuing authority)',
    description:
      "Each card is named by the child's national number and its creation date. Its contact code stops working at once; if it was the child's newest card, the cascade is blocked (`card-revoked`) until a parent re-activates it with a new card's code. Idempotent: a card revoked before is `already-revoked`.",
  })
  @ApiBody({ type: RevocationsBatchDoc })
  @ApiOkResponse({ type: RevocationReportView, description: 'Each record accepted (with its outcome) or rejected with its reasons.' })
  @ApiBadRequestResponse({ type: IngestErrorView, description: 'Not a batch, or an empty one.' })
  @ApiPayloadTooLargeResponse({ type: IngestErrorView, description: 'More revocations than a batch holds.' })
  @HttpCode(200)
  async postRevocations(@Body() body: unknown, @Req() request: AuthorityRequest): Promise<RevocationReport> {
    const revocations = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { revocations?: unknown }).revocations : undefined;
    const report = await this.revocations.revoke(revocations, { kind: 'authority', id: request.authority!.id });
    for (const { outcome } of report.accepted) this.metrics?.cardsRevoked.inc({ outcome });
    this.metrics?.cardsRevoked.inc({ outcome: 'rejected' }, report.rejected.length);
    return report;
  }
}
