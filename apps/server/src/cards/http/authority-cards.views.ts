import { ApiProperty } from '@nestjs/swagger';
import { IngestReport, MAX_BATCH_SIZE } from '../domain/card-ingest';
import { CardProblem, CardRecordInput } from '../domain/card-record';
import { RevocationInput, RevocationOutcome, RevocationProblem, RevocationReport } from '../domain/card-revocation';

/**
 * The authority's batch and the report, for the OpenAPI document (/api/docs). The body itself is
 * checked record by record by the ingest (each record is accepted or rejected with its reasons),
 * not by a validation pipe: these classes only describe it.
 */

export class CardRecordDoc implements CardRecordInput {
  @ApiProperty({ description: "The child's national register number, 11 digits." }) nationalNumber!: string;
  @ApiProperty({ description: 'The fresh "Contact Parents" code mailed with the card.' }) contactCode!: string;
  @ApiProperty({ format: 'date', description: "The card's creation date." }) issuedOn!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
}

export class CardsBatchDoc {
  @ApiProperty({ type: [CardRecordDoc], minItems: 1, maxItems: MAX_BATCH_SIZE }) cards!: CardRecordDoc[];
}

class AcceptedCardDoc {
  @ApiProperty({ description: 'The index of the record in the batch.' }) index!: number;
  @ApiProperty({ enum: ['created', 'already-present'] }) outcome!: 'created' | 'already-present';
}

class CardProblemDoc implements CardProblem {
  @ApiProperty({ enum: ['nationalNumber', 'contactCode', 'issuedOn', 'firstName', 'lastName', 'record'] }) field!: CardProblem['field'];
  @ApiProperty({
    enum: ['not-an-object', 'missing', 'not-a-string', 'length', 'not-digits', 'check-digits', 'date', 'format', 'in-the-future', 'past-retention', 'before-birth', 'characters'],
  })
  problem!: CardProblem['problem'];
}

class RejectedCardDoc {
  @ApiProperty({ description: 'The index of the record in the batch.' }) index!: number;
  @ApiProperty({ type: [CardProblemDoc] }) problems!: CardProblemDoc[];
}

export class IngestReportView implements IngestReport {
  @ApiProperty() received!: number;
  @ApiProperty({ type: [AcceptedCardDoc] }) accepted!: AcceptedCardDoc[];
  @ApiProperty({ type: [RejectedCardDoc], description: 'No personal value is echoed back: records are named by index.' }) rejected!: RejectedCardDoc[];
  @ApiProperty({ description: 'Active and paused cascades blocked because their child got a new card.' }) blockedCascades!: number;
}

export class IngestErrorView {
  @ApiProperty({ enum: ['not-a-batch', 'empty-batch', 'batch-too-large', 'unauthorized'] }) error!: string;
  @ApiProperty() message!: string;
}

export class RevocationDoc implements RevocationInput {
  @ApiProperty({ description: "The child's national register number, 11 digits." }) nationalNumber!: string;
  @ApiProperty({ format: 'date', description: "The revoked card's creation date." }) issuedOn!: string;
}

export class RevocationsBatchDoc {
  @ApiProperty({ type: [RevocationDoc], minItems: 1, maxItems: MAX_BATCH_SIZE }) revocations!: RevocationDoc[];
}

class AcceptedRevocationDoc {
  @ApiProperty({ description: 'The index of the record in the batch.' }) index!: number;
  @ApiProperty({ enum: ['revoked', 'already-revoked', 'not-found'] }) outcome!: RevocationOutcome;
}

class RevocationProblemDoc implements RevocationProblem {
  @ApiProperty({ enum: ['nationalNumber', 'issuedOn', 'record'] }) field!: RevocationProblem['field'];
  @ApiProperty({ enum: ['not-an-object', 'missing', 'not-a-string', 'length', 'not-digits', 'check-digits', 'date'] }) problem!: RevocationProblem['problem'];
}

class RejectedRevocationDoc {
  @ApiProperty({ description: 'The index of the record in the batch.' }) index!: number;
  @ApiProperty({ type: [RevocationProblemDoc] }) problems!: RevocationProblemDoc[];
}

export class RevocationReportView implements RevocationReport {
  @ApiProperty() received!: number;
  @ApiProperty({ type: [AcceptedRevocationDoc] }) accepted!: AcceptedRevocationDoc[];
  @ApiProperty({ type: [RejectedRevocationDoc], description: 'No personal value is echoed back: records are named by index.' }) rejected!: RejectedRevocationDoc[];
  @ApiProperty({ description: "Cascades blocked because their child's newest card was revoked." }) blockedCascades!: number;
}
