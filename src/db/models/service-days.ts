import { Schema, type Connection } from 'mongoose';

export const SERVICE_DAY_KINDS = ['service-day', 'entrepreneur-day', 'symposium'] as const;
/** 企业服务日, 企业家恳谈日, 座谈会 (POLICY §9). */
export type ServiceDayKind = (typeof SERVICE_DAY_KINDS)[number];

/** An announced service day, 恳谈日 or symposium. `enterprises` empty: every enterprise is invited. */
export interface ServiceDayDoc {
  title: string;
  kind: ServiceDayKind;
  startsAt: Date;
  place: string;
  enterprises: string[];
  /** The principal (key id, or `admin-token`) who announced it. */
  createdBy: string;
  createdAt: Date;
}

/**
 * One contact's answer to one event. One document per (event, contact), written by upsert: FerretDB v1
 * refuses nested arrays and does not isolate concurrent updates of one document, so no signup array.
 */
export interface ServiceDaySignupDoc {
  event: string;
  contact: string;
  enterprise: string;
  attending: boolean;
  respondedAt: Date;
}

const serviceDaySchema = new Schema<ServiceDayDoc>(
  {
    title: { type: String, required: true },
    kind: { type: String, required: true, enum: SERVICE_DAY_KINDS },
    startsAt: { type: Date, required: true },
    place: { type: String, required: true },
    enterprises: { type: [String], default: [] },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const signupSchema = new Schema<ServiceDaySignupDoc>(
  {
    event: { type: String, required: true },
    contact: { type: String, required: true },
    enterprise: { type: String, required: true },
    attending: { type: Boolean, required: true },
    respondedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
signupSchema.index({ event: 1, contact: 1 }, { unique: true });

export function registerServiceDayModels(connection: Connection) {
  return {
    ServiceDay: connection.model('ServiceDay', serviceDaySchema, 'service_days'),
    ServiceDaySignup: connection.model('ServiceDaySignup', signupSchema, 'service_day_signups'),
  };
}

export type ServiceDayModels = ReturnType<typeof registerServiceDayModels>;
