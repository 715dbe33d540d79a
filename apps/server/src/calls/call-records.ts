/** What the call flow records, for operations and for the parents' call history. */
export interface CallRecords {
  callStarted(callId: string, at: Date): Promise<void>;
  legEnded(leg: { legId: string; callId: string; position: string; result: string; startedAt: Date; endedAt: Date }): Promise<void>;
  callEnded(callId: string, outcome: string, at: Date, details: { language?: string; connectedPosition?: string; connectedAt?: Date; cascadeId?: string }): Promise<void>;
}
