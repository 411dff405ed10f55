import { TowerError } from '@tower/core';
import { auditArgs, auditOutcome, auditTarget } from './audit-details.js';

describe('auditArgs', () => {
  it('keeps ids and names but never a password, secret or token', () => {
    const out = auditArgs({
      email: 'a@b.co',
      password: 'hunter2hunter2',
      tenantName: 'Acme',
      input: { secretAccessKey: 'AKIA…', privateKey: 'k', accessKeyId: 'id', bucket: 'b', token: 't' },
    });
    expect(out).toEqual({
      email: 'a@b.co',
      password: '[redacted]',
      tenantName: 'Acme',
      input: { secretAccessKey: '[redacted]', privateKey: '[redacted]', accessKeyId: '[redacted]', bucket: 'b', token: '[redacted]' },
    });
  });

  it('shrinks a DAG spec to its dagId and long strings to a prefix', () => {
    const out = auditArgs({ spec: { dagId: 'sales', tasks: [{ taskId: 'a' }] }, note: 'x'.repeat(2000) });
    expect(out.spec).toEqual({ dagId: 'sales' });
    expect((out.note as string).length).toBeLessThan(600);
  });

  it('serialises dates and bigints', () => {
    expect(auditArgs({ logicalDate: new Date('2026-01-01T00:00:00Z'), n: 5n })).toEqual({ logicalDate: '2026-01-01T00:00:00.000Z', n: '5' });
  });
});

describe('auditTarget / auditOutcome', () => {
  it('finds the API key of a CreateApiKeyPayload, the user of an AuthPayload, else the object', () => {
    expect(auditTarget({ apiKey: { id: 'k1' }, secret: 's' }, 'CreateApiKeyPayload')).toEqual({ targetType: 'ApiKey', targetId: 'k1' });
    expect(auditTarget({ token: 't', user: { id: 'u1' }, tenant: { id: 't1' } }, 'AuthPayload')).toEqual({ targetType: 'User', targetId: 'u1' });
    expect(auditTarget({ id: 'd1' }, 'Dag')).toEqual({ targetType: 'Dag', targetId: 'd1' });
    expect(auditTarget({ valid: true }, 'ValidationResult')).toEqual({ targetType: null, targetId: null });
  });

  it('finds the invitation of an InviteMemberPayload (never its link), the user of a Member, the DAG of a DeleteDagPayload', () => {
    expect(auditTarget({ invitation: { id: 'i1' }, link: 'https://x/#token=tower_inv_s' }, 'InviteMemberPayload')).toEqual({
      targetType: 'Invitation',
      targetId: 'i1',
    });
    expect(auditTarget({ id: 'm1', role: 'VIEWER', user: { id: 'u2' } }, 'Member')).toEqual({ targetType: 'User', targetId: 'u2' });
    expect(auditTarget({ id: 'd2', dagId: 'x', canceledRuns: 0, deletedRuns: 0 }, 'DeleteDagPayload')).toEqual({ targetType: 'Dag', targetId: 'd2' });
  });

  it('names the outcome by error code', () => {
    expect(auditOutcome(undefined)).toBe('ok');
    expect(auditOutcome(new TowerError('FORBIDDEN', 'no'))).toBe('FORBIDDEN');
    expect(auditOutcome(new Error('boom'))).toBe('INTERNAL');
  });
});
