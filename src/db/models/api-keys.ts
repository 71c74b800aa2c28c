import { Schema, type Connection } from 'mongoose';

/** What an admin-API key may do; `official` binds supervisors and inspectors to the person they act as. */
export const API_ROLES = ['admin', 'supervisor', 'inspector', 'auditor'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/**
 * A per-person key of the admin HTTP API. Only the SHA-256 hash of the key is stored: the key itself is
 * shown once, when it is made, so a copy of the database opens nothing.
 */
export interface ApiKeyDoc {
  /** The public part of the key (`qq_<keyId>_<secret>`): finds the record without touching the secret. */
  keyId: string;
  /** Whose key it is, for the list and the logs (a person's name, or "prometheus"). */
  name: string;
  role: ApiRole;
  /** The official a supervisor or inspector key acts as; optional for admin keys. */
  official?: string;
  /** Hex SHA-256 of the whole key. */
  hash: string;
  createdAt: Date;
  /** The key id (or `admin-token`) of the admin who made it. */
  createdBy: string;
  revokedAt?: Date;
  revokedBy?: string;
  /** Updated at most every few minutes: enough to spot an unused key, without a write per request. */
  lastUsedAt?: Date;
}

const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    keyId: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    role: { type: String, required: true },
    official: String,
    hash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    revokedAt: Date,
    revokedBy: String,
    lastUsedAt: Date,
  },
  { versionKey: false },
);

export function registerApiKeyModels(connection: Connection) {
  return { ApiKey: connection.model('ApiKey', apiKeySchema, 'api_keys') };
}

export type ApiKeyModels = ReturnType<typeof registerApiKeyModels>;
