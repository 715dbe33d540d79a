import { Metrics } from '../../metrics/metrics';
import { CardIngestService, IngestReport } from '../domain/card-ingest';
import { CardRevocationService, RevocationReport } from '../domain/card-revocation';
import { AuthorityRequest } from './authority-token.guard';
import { AuthorityCardsController } from './authority-cards.controller';

describe('AuthorityCardsController metrics', () => {
  it('given a batch, then its cards are counted by outcome: created, already present, rejected', async () => {
    const report: IngestReport = {
      received: 4,
      accepted: [{ index: 0, outcome: 'created' }, { index: 1, outcome: 'created' }, { index: 3, outcome: 'already-present' }],
      rejected: [{ index: 2, problems: [] }],
      blockedCascades: 0,
    };
    const metrics = new Metrics();
    const controller = new AuthorityCardsController({ ingest: async () => report } as unknown as CardIngestService, {} as CardRevocationService, metrics);
    await expect(controller.postCards({ cards: [] }, { authority: { id: 'a' } } as unknown as AuthorityRequest)).resolves.toBe(report);
    const values = (await metrics.registry.getSingleMetric('alloparents_cards_ingested_total')!.get()).values.map((v) => [v.labels.outcome, v.value]);
    expect(Object.fromEntries(values)).toEqual({ created: 2, 'already-present': 1, rejected: 1 });
  });

  it('given a revocation batch, then its records are counted by outcome: revoked, already revoked, not found, rejected', async () => {
    const report: RevocationReport = {
      received: 5,
      accepted: [{ index: 0, outcome: 'revoked' }, { index: 1, outcome: 'already-revoked' }, { index: 2, outcome: 'not-found' }, { index: 4, outcome: 'revoked' }],
      rejected: [{ index: 3, problems: [] }],
      blockedCascades: 1,
    };
    const metrics = new Metrics();
    const controller = new AuthorityCardsController({} as CardIngestService, { revoke: async () => report } as unknown as CardRevocationService, metrics);
    await expect(controller.postRevocations({ revocations: [] }, { authority: { id: 'a' } } as unknown as AuthorityRequest)).resolves.toBe(report);
    const values = (await metrics.registry.getSingleMetric('alloparents_cards_revoked_total')!.get()).values.map((v) => [v.labels.outcome, v.value]);
    expect(Object.fromEntries(values)).toEqual({ revoked: 2, 'already-revoked': 1, 'not-found': 1, rejected: 1 });
  });
});
