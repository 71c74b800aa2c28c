import { z } from 'zod';

export const MAX_TEXT = 5000;
export const MIN_TEXT = 10;
export const MAX_ATTACHMENTS = 10;

/** What an enterprise submits, validated before anything is written. */
export const submissionSchema = z.object({
  enterprise: z.string().min(1).max(64),
  contact: z.string().min(1).max(64),
  replyTo: z.object({ platform: z.enum(['telegram', 'wechat', 'playground']), chatId: z.string().min(1).max(128) }),
  category: z.string().min(1).max(64),
  text: z.string(),
  attachments: z
    .array(
      z.object({
        kind: z.string().max(20),
        fileRef: z.string().min(1).max(512),
        platform: z.string().max(20),
        fileName: z.string().max(255).optional(),
      }),
    )
    .max(MAX_ATTACHMENTS)
    .default([]),
  anonymous: z.boolean().default(false),
  /** For a report about a unit: that unit never receives it. */
  accusedUnit: z.string().max(64).optional(),
});

export type SubmissionInput = z.input<typeof submissionSchema>;
export type Submission = z.output<typeof submissionSchema>;
