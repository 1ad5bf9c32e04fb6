/**
 * Tells open pages that the read model changed. One poller per API process watches the latest
 * change (once a second, only while someone listens) and pushes it to every subscriber.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(at: string) => void>();
  private timer?: NodeJS.Timeout;
  private last?: string | null;

  constructor(
    private readonly lastChange: () => Promise<string | null>,
    private readonly intervalMs = 1000,
  ) {}

  subscribe(listener: (at: string) => void): () => void {
    this.listeners.add(listener);
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.last = undefined;
  }

  private async poll(): Promise<void> {
    const at = await this.lastChange().catch(() => undefined);
    if (at === undefined) return; // the database is away; try again next tick
    if (this.last !== undefined && at !== null && at !== this.last) for (const listener of this.listeners) listener(at);
    this.last = at;
  }
}
