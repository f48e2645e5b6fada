// In-process events for live pages (SSE): a job changed, a log line was written.
import { EventEmitter } from "node:events";
import type { Note } from "../util/note.ts";

export type LiveEvent =
  | { type: "job"; id: number; status: string; step: string | null }
  | { type: "log"; id: number; at: string; level: string; msg: string; said?: Note }
  | { type: "delivery"; id: number; jobId: number; state: string };

export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  emit(e: LiveEvent): void {
    this.emitter.emit("event", e);
  }
  on(listener: (e: LiveEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}
