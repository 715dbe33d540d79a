import { CardsCascadesAndCallRecords1795500000000 } from './1795500000000-CardsCascadesAndCallRecords';
import { CardsIngestAndRetention1795600000000 } from './1795600000000-CardsIngestAndRetention';
import { PortalAccountsAndSessions1795700000000 } from './1795700000000-PortalAccountsAndSessions';
import { RetentionAndImportPerformance1795800000000 } from './1795800000000-RetentionAndImportPerformance';
import { TotpSecondFactor1795900000000 } from './1795900000000-TotpSecondFactor';
import { CallHistoryForParents1796000000000 } from './1796000000000-CallHistoryForParents';
import { OidcIdentities1796100000000 } from './1796100000000-OidcIdentities';
import { CascadeTestsAndCodeCalls1796400000000 } from './1796400000000-CascadeTestsAndCodeCalls';
import { CardIdentityByChild1796500000000 } from './1796500000000-CardIdentityByChild';
import { LegCapsIndex1796600000000 } from './1796600000000-LegCapsIndex';
import { OperatorControls1796700000000 } from './1796700000000-OperatorControls';
import { PortalRateLimits1796800000000 } from './1796800000000-PortalRateLimits';
import { ServiceSwitch1797000000000 } from './1797000000000-ServiceSwitch';
import { CodeRequestsByPhone1797200000000 } from './1797200000000-CodeRequestsByPhone';
import { CardRevocations1797300000000 } from './1797300000000-CardRevocations';
import { ParentNotices1797600000000 } from './1797600000000-ParentNotices';
import { CascadePause1797700000000 } from './1797700000000-CascadePause';
import { CodeTriesByPhone1797800000000 } from './1797800000000-CodeTriesByPhone';

// Every migration, in order. Listed explicitly (not globbed) so the same list works compiled,
// under ts-jest and in the migration command.
export const migrations: Function[] = [
  CardsCascadesAndCallRecords1795500000000,
  CardsIngestAndRetention1795600000000,
  PortalAccountsAndSessions1795700000000,
  RetentionAndImportPerformance1795800000000,
  TotpSecondFactor1795900000000,
  CallHistoryForParents1796000000000,
  OidcIdentities1796100000000,
  CascadeTestsAndCodeCalls1796400000000,
  CardIdentityByChild1796500000000,
  LegCapsIndex1796600000000,
  OperatorControls1796700000000,
  PortalRateLimits1796800000000,
  ServiceSwitch1797000000000,
  CodeRequestsByPhone1797200000000,
  CardRevocations1797300000000,
  ParentNotices1797600000000,
  CascadePause1797700000000,
  CodeTriesByPhone1797800000000,
];
