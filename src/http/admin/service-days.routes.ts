/** 企业服务日 / 企业家恳谈日 / 座谈会: announce one to enterprises, and list its sign-ups (POLICY §9). */
import { z } from 'zod';
import { SERVICE_DAY_KINDS } from '../../db/models/service-days.ts';
import { announceServiceDay, listServiceDaySignups, serviceDayIdSchema } from '../../services/service-days.ts';
import type { AdminDeps } from './context.ts';
import type { Registrar } from './registrar.ts';

const creditCode = z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'an 18-character unified social credit code');

export function registerServiceDayRoutes(r: Registrar, deps: AdminDeps): void {
  r.route({
    method: 'POST',
    url: '/service-days',
    roles: ['admin', 'supervisor'],
    tag: 'service-days',
    summary: 'Announce a 企业服务日 / 企业家恳谈日 / 座谈会 to chosen enterprises (none: all); their active contacts are notified',
    status: 201,
    body: z.strictObject({
      title: z.string().trim().min(1).max(200),
      kind: z.enum(SERVICE_DAY_KINDS),
      startsAt: z.iso.datetime({ offset: true }),
      place: z.string().trim().min(1).max(200),
      enterprises: z.array(creditCode).max(5000).optional(),
    }),
    handler: async ({ body, principal }) =>
      announceServiceDay(deps, {
        title: body.title,
        kind: body.kind,
        startsAt: new Date(body.startsAt),
        place: body.place,
        ...(body.enterprises ? { enterprises: body.enterprises } : {}),
        createdBy: principal.id,
      }),
  });

  r.route({
    method: 'GET',
    url: '/service-days/:id/signups',
    roles: ['admin', 'supervisor', 'auditor'],
    tag: 'service-days',
    summary: 'The sign-ups of an announced event: who attends, who declined',
    params: z.strictObject({ id: serviceDayIdSchema }),
    handler: async ({ params }) => listServiceDaySignups(deps, params.id),
  });
}
