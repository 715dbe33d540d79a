import { ApiProperty } from '@nestjs/swagger';
import { AccountExport } from '../../domain/account-data';
import { AccountProfile } from '../../domain/accounts';
import { CallView, LegRef, LegView } from '../../domain/call-history';
import { MAX_CASCADE_NUMBERS } from '../../domain/cascade-numbers';
import { CascadeCheckView } from '../../domain/parent-calls';
import { CascadeView, ChildView } from '../../domain/parent-children';
import { FieldProblem, PortalErrorCode } from '../../domain/portal-error';
import { TotpEnrolment, TotpStatus } from '../../domain/totp';
import { LegalDocumentView, LegalSection } from '../../legal/legal-documents';
import { CASCADE_STATUSES } from '../../../cascades/domain/cascade-status';
import { LANGUAGES, Language } from '../../../languages';
import { NoticePreferencesView, NoticesExport } from '../../../notices/domain/notice-preferences';
import { NOTICE_KINDS, NoticeKind } from '../../../notices/domain/notices';
import type { SignInProvider } from '../oidc.controller';
import { LEG_RESULTS } from '../../../telephony/call-flow/types';

/**
 * The shapes the portal API answers with, for the OpenAPI document (/api/docs). Each class
 * implements the domain's own type, so the compiler keeps the description and the answer in step.
 */


/** What each cascade status means, for the descriptions of `status` and `cascadeStatus`. */
const STATUS_DESCRIPTION =
  'Only an active cascade rings. `draft`: never activated; `paused`: paused by a parent (a finder is put through to the hotline) until a parent resumes it; `blocked`: a new card was issued or the card revoked, re-activated with the new card\'s code.';

export class MessageView {
  @ApiProperty({ example: 'if the address can be used, we sent a message to it: follow its link' }) message!: string;
}

export class CsrfTokenView {
  @ApiProperty({ description: 'The value of the ap_csrf cookie: send it in the X-CSRF-Token header of every POST, PUT and DELETE.' }) csrfToken!: string;
}

export class FieldProblemView implements FieldProblem {
  @ApiProperty({ description: 'The field in the request, e.g. `numbers[2].number`.', example: 'email' }) field!: string;
  @ApiProperty({ description: 'A stable code, for translations.', example: 'isEmail' }) code!: string;
  @ApiProperty({ example: 'enter an e-mail address such as name@example.org' }) message!: string;
}

// Every code, checked by the compiler: a new PortalErrorCode must be added here too.
const ERROR_CODES: Record<PortalErrorCode, true> = {
  invalid: true,
  unauthenticated: true,
  'second-factor-required': true,
  'email-not-verified': true,
  csrf: true,
  'not-found': true,
  'link-refused': true,
  'link-locked': true,
  conflict: true,
  'token-invalid': true,
  'rate-limited': true,
};

export class PortalErrorView {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ enum: Object.keys(ERROR_CODES), example: 'invalid' }) error!: PortalErrorCode;
  @ApiProperty({ example: 'some fields are invalid: see fields' }) message!: string;
  @ApiProperty({ type: [FieldProblemView] }) fields!: FieldProblemView[];
}

export class AccountProfileView implements AccountProfile {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'name@example.org' }) email!: string;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ChildViewDoc implements ChildView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, description: "The first name on the child's newest card.", example: 'Lina' }) firstName!: string | null;
  @ApiProperty({ format: 'date-time' }) linkedAt!: string;
  @ApiProperty({ enum: CASCADE_STATUSES, nullable: true, description: `null: no cascade yet. ${STATUS_DESCRIPTION}` }) cascadeStatus!: ChildView['cascadeStatus'];
}

export class CascadeNumberView {
  @ApiProperty({ minimum: 1, maximum: MAX_CASCADE_NUMBERS }) position!: number;
  @ApiProperty({ description: 'E.164.', example: '+32470123456' }) number!: string;
  @ApiProperty({ description: 'The same number grouped for reading.', example: '+32 470 12 34 56' }) formatted!: string;
  @ApiProperty({ example: 'BE' }) country!: string;
  @ApiProperty({ example: 'Mum, mobile' }) label!: string;
}

export class CascadeViewDoc implements CascadeView {
  @ApiProperty({ format: 'uuid' }) childId!: string;
  @ApiProperty({ enum: CASCADE_STATUSES, nullable: true, description: `null: no cascade yet. ${STATUS_DESCRIPTION}` }) status!: CascadeView['status'];
  @ApiProperty({ type: String, nullable: true, description: 'Why a blocked cascade is blocked: `new-card` (a new card was issued) or `card-revoked` (the card was declared lost or stolen).' }) blockedReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When a parent paused the cascade; null unless it is paused.' }) pausedAt!: string | null;
  @ApiProperty({ enum: LANGUAGES, nullable: true, description: 'The language the parents hear on the phone.' }) language!: CascadeView['language'];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) activatedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The version of the terms of use accepted.' }) termsVersion!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) termsAcceptedAt!: string | null;
  @ApiProperty({ description: 'The version the activation accepts (GET /api/v1/legal/terms).', example: '2026-11' }) currentTermsVersion!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The number the parents' phones show when the service calls (to save as a contact); null when they are shown the finder's own number.",
    example: '+32 78 15 00 00',
  })
  callerNumber!: string | null;
  @ApiProperty({ type: [CascadeNumberView], description: 'In the order they are called.' }) numbers!: CascadeNumberView[];
}

export class LegRefView implements LegRef {
  @ApiProperty({ description: 'The hotline (then position and label are null), or a number of the list.' }) hotline!: boolean;
  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: MAX_CASCADE_NUMBERS }) position!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The label the number had when its leg ended.', example: 'Mum, mobile' }) label!: string | null;
}

export class LegViewDoc extends LegRefView implements LegView {
  @ApiProperty({
    enum: LEG_RESULTS,
    description: '`accepted`: a parent answered and pressed 1; `connected`: the hotline answered; `not-allowed`: the number is outside the destinations the service dials, so it was skipped.',
  })
  result!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) endedAt!: string;
}

export class CallViewDoc implements CallView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({
    type: String,
    enum: ['connected-parent', 'connected-hotline', 'hotline-unreachable', 'finder-hung-up', 'refused-withheld', 'failed'],
    nullable: true,
    description: 'null while the call runs, or when its end was not recorded.',
  })
  outcome!: string | null;
  @ApiProperty({ type: LegRefView, nullable: true, description: 'The leg that took the call.' }) answeredBy!: LegRefView | null;
  @ApiProperty({ type: [LegViewDoc], description: 'In the order they rang.' }) legs!: LegViewDoc[];
}

export class LegalSectionView implements LegalSection {
  @ApiProperty() heading!: string;
  @ApiProperty({ type: [String] }) paragraphs!: string[];
}

export class LegalDocumentViewDoc implements LegalDocumentView {
  @ApiProperty({ enum: ['terms', 'privacy'] }) document!: LegalDocumentView['document'];
  @ApiProperty({ example: '2026-11' }) version!: string;
  @ApiProperty({ format: 'date', example: '2026-11-30' }) effectiveOn!: string;
  @ApiProperty({ enum: LANGUAGES }) language!: LegalDocumentView['language'];
  @ApiProperty() title!: string;
  @ApiProperty({ type: [LegalSectionView] }) sections!: LegalSectionView[];
}

export class SessionView {
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
}

export class SignInProviderLinkView {
  @ApiProperty({ description: "The OpenID Connect provider's issuer." }) issuer!: string;
  @ApiProperty({ format: 'date-time' }) linkedAt!: string;
  @ApiProperty({ format: 'date-time' }) lastUsedAt!: string;
}

export class SignInProviderView implements SignInProvider {
  @ApiProperty({ enum: ['oidc'] }) id!: 'oidc';
  @ApiProperty({ description: 'The button reads "Sign in with <displayName>".' }) displayName!: string;
  @ApiProperty({ description: 'Navigate the browser there (a link, not fetch).', example: '/api/v1/auth/oidc/start' }) startUrl!: string;
}

export class SignInProvidersView {
  @ApiProperty({ type: [SignInProviderView], description: 'Empty when no OpenID Connect provider is configured.' }) providers!: SignInProviderView[];
}

export class TotpStatusView implements TotpStatus {
  @ApiProperty({ description: 'Two-step sign-in is on.' }) enabled!: boolean;
  @ApiProperty({ description: 'An enrolment was started and waits for its first code.' }) pending!: boolean;
  @ApiProperty() recoveryCodesLeft!: number;
}

export class TotpEnrolmentView implements TotpEnrolment {
  @ApiProperty({ description: 'base32, for typing into the app by hand.' }) secret!: string;
  @ApiProperty({ description: 'otpauth://totp/… (what the QR code holds).' }) uri!: string;
  @ApiProperty({ description: 'Where the QR code of the secret is (an SVG).', example: '/api/v1/account/totp/enrolment/qr.svg' }) qrCode!: string;
}

export class RecoveryCodesView {
  @ApiProperty({ type: [String], description: 'Each works once instead of a code; shown this once.' }) recoveryCodes!: string[];
}

export class DeletedAccountView {
  @ApiProperty({ description: 'Cascades deleted with the account (those this parent alone managed).' }) deletedCascades!: number;
}

const CHECK_RESULTS = ['confirmed', 'busy', 'no-answer', 'voicemail', 'unreachable', 'declined', 'hung-up', 'failed'];

export class CascadeTestRunView {
  @ApiProperty({ type: String, format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
  @ApiProperty({ description: 'The service is calling the numbers now.' }) running!: boolean;
  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: MAX_CASCADE_NUMBERS, description: 'The position being called while the test runs.' }) currentPosition!: number | null;
}

export class NumberCheckView {
  @ApiProperty({ minimum: 1, maximum: MAX_CASCADE_NUMBERS }) position!: number;
  @ApiProperty({ example: '+32470123456' }) number!: string;
  @ApiProperty({ example: 'Mum, mobile' }) label!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The last time someone answered a test call on this number and pressed 1.' }) lastVerifiedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the last test called this number.' }) lastCheckAt!: string | null;
  @ApiProperty({
    enum: CHECK_RESULTS,
    nullable: true,
    description: '`confirmed`: answered and pressed 1; `voicemail`: an answering machine, or no key in the two windows.',
  })
  lastCheckResult!: CascadeCheckView['numbers'][number]['lastCheckResult'];
}

export class CascadeCheckViewDoc implements CascadeCheckView {
  @ApiProperty({ type: CascadeTestRunView, nullable: true, description: 'The latest test, or null if the list was never tested.' }) test!: CascadeTestRunView | null;
  @ApiProperty({ type: [NumberCheckView], description: 'In the order they are called.' }) numbers!: NumberCheckView[];
}

// The export is made of the views above: declared last, since decorators read their types when the class is declared.
export class ExportedChildView extends ChildViewDoc {
  @ApiProperty({ type: CascadeViewDoc }) cascade!: CascadeViewDoc;
  @ApiProperty({ type: CascadeCheckViewDoc, description: "The last test of the list and each number's last result." }) checks!: CascadeCheckViewDoc;
  @ApiProperty({ type: [CallViewDoc], description: 'Every call about the child still kept (CALL_RECORD_RETENTION_DAYS), newest first.' }) calls!: CallViewDoc[];
}

class NoticeKindView {
  @ApiProperty({ enum: NOTICE_KINDS }) kind!: NoticeKind;
  @ApiProperty({ description: 'Mailed to this account.' }) enabled!: boolean;
  @ApiProperty({ description: 'Cannot be turned off (the blocking notice).' }) mandatory!: boolean;
}

export class NoticePreferencesViewDoc implements NoticePreferencesView {
  @ApiProperty({ enum: LANGUAGES, nullable: true, description: "The language of the notices; null: the child's cascade's language, else the deployment's." }) language!: Language | null;
  @ApiProperty({ type: [NoticeKindView] }) kinds!: NoticeKindView[];
}

class RecordedNoticeView {
  @ApiProperty({ enum: NOTICE_KINDS }) kind!: NoticeKind;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The child it was about (null: the whole service).' }) childId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the mail said beyond its kind: a reason, a position, dates, a mode.' }) details!: Record<string, unknown>;
  @ApiProperty({ enum: ['pending', 'sending', 'sent', 'abandoned'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: string | null;
}

class NoticesExportView implements NoticesExport {
  @ApiProperty({ type: NoticePreferencesViewDoc }) preferences!: NoticePreferencesViewDoc;
  @ApiProperty({ type: [RecordedNoticeView] }) recorded!: RecordedNoticeView[];
}

export class AccountExportView implements AccountExport {
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ type: AccountProfileView }) account!: AccountProfileView;
  @ApiProperty({ type: [SessionView] }) sessions!: SessionView[];
  @ApiProperty({ type: [SignInProviderLinkView], description: 'Sign-in providers linked to the account (the subject is held only hashed).' }) signInProviders!: SignInProviderLinkView[];
  @ApiProperty({ type: [ExportedChildView] }) children!: ExportedChildView[];
  @ApiProperty({ type: NoticesExportView, description: 'The notices the account chose and was sent.' }) notices!: NoticesExportView;
  @ApiProperty({ type: [String] }) notes!: string[];
}
