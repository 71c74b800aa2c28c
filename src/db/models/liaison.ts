import { Schema, type Connection } from 'mongoose';

export const VISIT_FORMS = ['on-site', 'online', 'symposium'] as const;
/** How the visit was made; `symposium` is an entrepreneurs' symposium (企业家座谈会, R(2)). */
export type VisitForm = (typeof VISIT_FORMS)[number];

export const MEAL_KINDS = ['canteen-paid', 'no', 'none'] as const;
/**
 * R(8): a working meal only in the enterprise's canteen with the fee paid (`canteen-paid`); `no`: no
 * meal was taken; `none`: the question does not arise (an online visit, a symposium at the office).
 * Any other meal is hospitality, declared with the gifts (R(17)).
 */
export type MealKind = (typeof MEAL_KINDS)[number];

/** A problem the enterprise raised on the visit, and the ticket it became in the ledger (台账). */
export interface VisitProblem {
  text: string;
  /** The ticket's id, chosen before the ticket is written so a retried visit never makes a second one. */
  ticket: string;
}

/**
 * One visit to an enterprise (走访), as the official recorded it. Append-only: a visit is evidence for
 * the liaison rules and the integrity record, so it is never edited or removed through the model.
 */
export interface VisitDoc {
  official: string;
  /** The official's unit when visiting: the digest groups by it. */
  unit: string;
  /** Whether the official was a leadership member when visiting. */
  leadership: boolean;
  enterprise: string;
  /** Whether the enterprise was the official's own link (leadership may visit any). */
  linked: boolean;
  /** The visit's Asia/Shanghai calendar date, `YYYY-MM-DD`: periods are ranges of these strings. */
  date: string;
  form: VisitForm;
  learnt: string;
  problems: VisitProblem[];
  meal: MealKind;
  giftsAccepted: boolean;
  giftDetail?: string;
  recordedAt: Date;
}

const visitSchema = new Schema<VisitDoc>(
  {
    official: { type: String, required: true },
    unit: { type: String, required: true },
    leadership: { type: Boolean, required: true },
    enterprise: { type: String, required: true },
    linked: { type: Boolean, required: true },
    date: { type: String, required: true },
    form: { type: String, required: true, enum: VISIT_FORMS },
    learnt: { type: String, required: true },
    problems: [{ _id: false, text: { type: String, required: true }, ticket: { type: String, required: true } }],
    meal: { type: String, required: true, enum: MEAL_KINDS },
    giftsAccepted: { type: Boolean, required: true },
    giftDetail: String,
    recordedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// The scan reads one year's visits; a link's history is read by official and enterprise. (FerretDB v1
// on SQLite scans regardless; MongoDB uses these.)
visitSchema.index({ date: 1 });
visitSchema.index({ official: 1, enterprise: 1, date: 1 });

/** Every write that would change or remove a stored visit; the model refuses them all. */
const REWRITES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const;
for (const operation of REWRITES) {
  visitSchema.pre(operation, () => {
    throw new Error(`visits are append-only: ${operation} refused`);
  });
}

export function registerLiaisonModels(connection: Connection) {
  return { Visit: connection.model('Visit', visitSchema, 'visits') };
}

export type LiaisonModels = ReturnType<typeof registerLiaisonModels>;
