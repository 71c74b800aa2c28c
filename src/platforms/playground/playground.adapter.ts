/**
 * The playground: a platform that lives in this process. The browser page (src/http/playground) plays any
 * person of the directory; what it types becomes an `InboundMessage` like Telegram's, and what qinqing sends
 * goes to that person's live stream and a short history, so a reloaded page still shows the conversation.
 */
import { randomUUID } from 'node:crypto';
import type { Button, InboundHandler, InboundMessage, OutboundMessage, PlatformAdapter, SendResult } from '../types.ts';

/** A persona id: the playground's user id and chat id at once (a private chat). */
export const PERSONA_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** One line of a conversation, as the page draws it. */
export interface PlaygroundEntry {
  /** Increases across the adapter: the order of entries and the SSE event id. */
  seq: number;
  at: string;
  /** `bot`: sent by qinqing; `person`: typed or tapped in the playground. */
  from: 'bot' | 'person';
  text: string;
  /** A person's button press: the action it carried (its label is the text). */
  action?: string;
  buttons?: Button[][];
  /** A PNG as a data URL, so the page needs no second request. */
  image?: { src: string; caption?: string };
}

/** What a persona sends: typed text, or a button press with the label it showed. */
export type PlaygroundInput = string | { action: string; label?: string };

export type PlaygroundListener = (entry: PlaygroundEntry) => void;

/** Options for {@link createPlaygroundAdapter}. */
export interface PlaygroundAdapterOptions {
  /** Entries kept per persona (default 100). */
  historyLimit?: number;
  /** Personas whose history is kept (default 500): the oldest conversation is forgotten beyond it. */
  maxPersonas?: number;
}

/** The playground {@link PlatformAdapter}, plus the page's side of the conversation. */
export interface PlaygroundAdapter extends PlatformAdapter {
  readonly platform: 'playground';
  /**
   * A persona writes or taps: recorded in its history, then handled like any platform's message. Resolves
   * when qinqing has answered (the replies are already in the stream); rejects when the adapter is stopped
   * or the handler failed (the database unavailable: the person was told).
   */
  receive(persona: string, input: PlaygroundInput, options?: { languageHint?: string }): Promise<void>;
  /** The persona's recent entries, oldest first. */
  history(persona: string): readonly PlaygroundEntry[];
  /** Calls `listener` with each new entry of the persona; returns the unsubscribe function. */
  subscribe(persona: string, listener: PlaygroundListener): () => void;
}

/** The playground is not running (never started, or stopped): nothing can be handled. */
export class PlaygroundStoppedError extends Error {
  override name = 'PlaygroundStoppedError';
  constructor() {
    super('the playground channel is not running');
  }
}

/** The action a typed list number ("2", full-width "２") picks among the offered buttons, if it picks one. */
function numbered(buttons: readonly Button[] | undefined, text: string): string | undefined {
  const typed = text.normalize('NFKC').trim();
  return buttons && /^\d{1,3}$/.test(typed) ? buttons[Number(typed) - 1]?.action : undefined;
}

/** Creates the playground adapter; it holds everything in memory and touches no network. */
export function createPlaygroundAdapter(options: PlaygroundAdapterOptions = {}): PlaygroundAdapter {
  const historyLimit = options.historyLimit ?? 100;
  const maxPersonas = options.maxPersonas ?? 500;
  const histories = new Map<string, PlaygroundEntry[]>();
  const listeners = new Map<string, Set<PlaygroundListener>>();
  // The buttons of each persona's latest message: a typed "2" presses the second, as on WeChat. Unlike WeChat, a
  // message without buttons clears them, so a number typed for a question ("how many days?") stays a number.
  const offered = new Map<string, Button[]>();
  let handler: InboundHandler | undefined;
  let seq = 0;

  function record(persona: string, entry: Omit<PlaygroundEntry, 'seq' | 'at'>): PlaygroundEntry {
    const full: PlaygroundEntry = { seq: (seq += 1), at: new Date().toISOString(), ...entry };
    const list = histories.get(persona) ?? [];
    // Re-inserting moves the persona to the newest end of the map, so eviction drops the idlest one.
    histories.delete(persona);
    histories.set(persona, [...list.slice(-(historyLimit - 1)), full]);
    if (histories.size > maxPersonas) {
      const oldest = histories.keys().next().value;
      if (oldest !== undefined) {
        histories.delete(oldest);
        offered.delete(oldest);
      }
    }
    for (const listener of listeners.get(persona) ?? []) {
      try {
        listener(full);
      } catch {
        // One broken page (a closed socket) must not keep the others from their messages.
      }
    }
    return full;
  }

  return {
    platform: 'playground',

    async start(onMessage) {
      handler = onMessage;
    },

    async stop() {
      handler = undefined;
    },

    async send(chatId, message: OutboundMessage): Promise<SendResult> {
      if (!PERSONA_ID.test(chatId)) return { ok: false, reason: 'failed', detail: `not a playground persona: ${chatId}` };
      if (message.buttons && message.buttons.length > 0) offered.set(chatId, message.buttons.flat());
      else offered.delete(chatId);
      const entry = record(chatId, {
        from: 'bot',
        text: message.text,
        ...(message.buttons && message.buttons.length > 0 ? { buttons: message.buttons } : {}),
        ...(message.image
          ? { image: { src: `data:image/png;base64,${message.image.png.toString('base64')}`, ...(message.image.caption ? { caption: message.image.caption } : {}) } }
          : {}),
      });
      return { ok: true, platformMessageId: `pg-out-${entry.seq}` };
    },

    async receive(persona, input, receiveOptions = {}) {
      if (!PERSONA_ID.test(persona)) throw new Error(`not a playground persona: ${persona}`);
      const current = handler;
      if (!current) throw new PlaygroundStoppedError();
      const tap = typeof input === 'string' ? undefined : input;
      const text = typeof input === 'string' ? input : '';
      record(persona, tap ? { from: 'person', text: tap.label ?? tap.action, action: tap.action } : { from: 'person', text });
      const action = tap?.action ?? numbered(offered.get(persona), text);
      const message: InboundMessage = {
        platform: 'playground',
        chatId: persona,
        senderId: persona,
        platformMessageId: `pg-${randomUUID()}`,
        text,
        attachments: [],
        ...(action ? { callback: { id: randomUUID(), data: action } } : {}),
        ...(receiveOptions.languageHint ? { languageHint: receiveOptions.languageHint } : {}),
        receivedAt: new Date(),
        raw: input,
      };
      await current(message);
    },

    history(persona) {
      return histories.get(persona) ?? [];
    },

    subscribe(persona, listener) {
      const set = listeners.get(persona) ?? new Set<PlaygroundListener>();
      set.add(listener);
      listeners.set(persona, set);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(persona) === set) listeners.delete(persona);
      };
    },
  };
}
