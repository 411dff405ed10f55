'use client';

import { useState } from 'react';
import { useQuery } from 'urql';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DateTimeText } from '@/components/date-time';
import { ErrorBanner } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { toApiErrorFromCombined } from '@/lib/graphql/client';
import { describeApiError, toApiError, type ApiError } from '@/lib/graphql/errors';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import type { InvitationFieldsFragment, MemberFieldsFragment, Role } from '@/lib/graphql/generated/graphql';
import {
  InvitationsQuery,
  InviteMemberMutation,
  MembersQuery,
  RemoveMemberMutation,
  RevokeInvitationMutation,
  UpdateMemberRoleMutation,
} from '@/lib/graphql/operations-tenant';
import { roleAtLeast, useCan, useViewer } from '@/lib/graphql/use-viewer';
import { useAction } from '../actions/use-action';

const ROLES: Role[] = ['VIEWER', 'OPERATOR', 'EDITOR', 'ADMIN', 'OWNER'];
const ADMIN_NOTE = 'Only admins and owners manage members.';

/** Roles `caller` may grant: at most its own (only an OWNER makes an OWNER). */
const grantable = (caller: Role | undefined) => ROLES.filter((r) => roleAtLeast(caller, r));

/**
 * Members of the organisation with their roles, and invitations to it. Admins invite by email (the
 * link is shown once, to copy, and mailed), change roles, remove members and revoke invitations;
 * OWNERs are managed by OWNERs only, and the last OWNER stays.
 */
export function MembersPage() {
  const { endpoints, request } = useGraphQL();
  const { viewer } = useViewer();
  const can = useCan('ADMIN');
  const [members, reexecuteMembers] = useQuery({ query: MembersQuery, variables: {} });
  const [invitations, reexecuteInvitations] = useQuery({ query: InvitationsQuery, variables: {}, pause: !can });
  const invite = useAction();
  const remove = useAction();
  const revoke = useAction();
  const [removing, setRemoving] = useState<MemberFieldsFragment | null>(null);
  const [revoking, setRevoking] = useState<InvitationFieldsFragment | null>(null);
  const [link, setLink] = useState<{ email: string; link: string; emailSent: boolean; emailError: string | null } | null>(null);
  const [roleError, setRoleError] = useState<ApiError | null>(null);
  const refresh = () => {
    reexecuteMembers({ requestPolicy: 'network-only' });
    if (can) reexecuteInvitations({ requestPolicy: 'network-only' });
  };
  const list = members.data?.members ?? [];
  const pending = (invitations.data?.invitations ?? []).filter((i) => i.status === 'PENDING');
  const manageable = (m: MemberFieldsFragment) => can && roleAtLeast(viewer?.role, m.role);

  async function changeRole(member: MemberFieldsFragment, role: Role) {
    setRoleError(null);
    try {
      await request(UpdateMemberRoleMutation, { id: member.id, role });
    } catch (err) {
      setRoleError(toApiError(err));
    }
    refresh();
  }

  return (
    <main className="page" data-testid="members-page">
      <div className="page-head">
        <div>
          <h1>Members</h1>
          <p className="page-sub">Who belongs to this organisation, with which role. Invite colleagues by email; each link works once.</p>
        </div>
        <button
          type="button"
          className="btn btn-primary"
          data-action="invite-member"
          data-testid="member-invite"
          disabled={!can}
          title={can ? undefined : ADMIN_NOTE}
          onClick={invite.show}
        >
          Invite member
        </button>
      </div>
      {link ? (
        <div className="secret-once" role="status" data-testid="invitation-link">
          <span>
            {link.emailSent ? `Invitation emailed to ${link.email}. ` : `No email was sent (${link.emailError ?? 'unknown reason'}). `}
            Link for <strong>{link.email}</strong> (shown once, works once): <code data-testid="invitation-link-value">{link.link}</code>
          </span>
          <button type="button" className="btn btn-sm" onClick={() => void navigator.clipboard?.writeText(link.link)} data-testid="invitation-copy">
            Copy link
          </button>
          <button type="button" className="btn btn-sm" onClick={() => setLink(null)}>
            Done
          </button>
        </div>
      ) : null}
      {members.error ? <ErrorBanner error={toApiErrorFromCombined(members.error, endpoints.httpUrl)} onRetry={refresh} /> : null}
      {roleError ? (
        <p className="form-error" role="alert" data-testid="member-role-error" data-code={roleError.code}>
          {describeApiError(roleError)}
        </p>
      ) : null}
      <section className="panel">
        {members.fetching && !members.data ? (
          <div className="panel-empty">
            <Spinner label="Loading members…" />
          </div>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Email</th>
                  <th>Name</th>
                  <th>Role</th>
                  <th>Joined</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={m.id} data-testid={`member-row-${m.user.email}`}>
                    <td>
                      {m.user.email}
                      {m.user.id === viewer?.user?.id ? <span className="muted"> (you)</span> : null}
                    </td>
                    <td>{m.user.name ?? <span className="muted">—</span>}</td>
                    <td>
                      {manageable(m) ? (
                        <select
                          className="input"
                          aria-label={`Role of ${m.user.email}`}
                          value={m.role}
                          onChange={(e) => void changeRole(m, e.target.value as Role)}
                          data-testid={`member-role-${m.user.email}`}
                        >
                          {grantable(viewer?.role).map((r) => (
                            <option key={r}>{r}</option>
                          ))}
                        </select>
                      ) : (
                        m.role
                      )}
                    </td>
                    <td>
                      <DateTimeText value={m.createdAt} compact />
                    </td>
                    <td>
                      {manageable(m) ? (
                        <button
                          type="button"
                          className="btn btn-sm"
                          data-action="remove-member"
                          data-testid={`member-remove-${m.user.email}`}
                          onClick={() => {
                            setRemoving(m);
                            remove.show();
                          }}
                        >
                          Remove
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {can ? (
        <section className="panel members-invitations" data-testid="invitations">
          <header className="panel-head">
            <h2>Pending invitations</h2>
          </header>
          {pending.length === 0 ? (
            <div className="panel-empty" data-testid="invitations-empty">
              <p>No pending invitations.</p>
            </div>
          ) : (
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th>Email</th>
                    <th>Role</th>
                    <th>Invited</th>
                    <th>Expires</th>
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {pending.map((i) => (
                    <tr key={i.id} data-testid={`invitation-row-${i.email}`}>
                      <td>{i.email}</td>
                      <td>{i.role}</td>
                      <td>
                        <DateTimeText value={i.createdAt} compact />
                      </td>
                      <td>
                        <DateTimeText value={i.expiresAt} compact />
                      </td>
                      <td>
                        <button
                          type="button"
                          className="btn btn-sm"
                          data-action="revoke-invitation"
                          data-testid={`invitation-revoke-${i.email}`}
                          disabled={!roleAtLeast(viewer?.role, i.role)}
                          onClick={() => {
                            setRevoking(i);
                            revoke.show();
                          }}
                        >
                          Revoke
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
      {invite.open ? <InviteDialog action={invite} onInvited={(l) => (setLink(l), refresh())} /> : null}
      <ConfirmDialog
        open={remove.open}
        title={`Remove ${removing?.user.email ?? ''}`}
        confirmLabel="Remove member"
        danger
        pending={remove.pending}
        error={remove.error}
        onClose={remove.close}
        testId="remove-member-dialog"
        onConfirm={() =>
          void remove.run(async () => {
            if (removing) await request(RemoveMemberMutation, { id: removing.id });
            refresh();
          })
        }
      >
        <p>They lose access at once: their sessions in this organisation end and their live views close. API keys stay (revoke them on the API keys page).</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={revoke.open}
        title={`Revoke the invitation of ${revoking?.email ?? ''}`}
        confirmLabel="Revoke invitation"
        danger
        pending={revoke.pending}
        error={revoke.error}
        onClose={revoke.close}
        testId="revoke-invitation-dialog"
        onConfirm={() =>
          void revoke.run(async () => {
            if (revoking) await request(RevokeInvitationMutation, { id: revoking.id });
            refresh();
          })
        }
      >
        <p>The link stops working at once.</p>
      </ConfirmDialog>
    </main>
  );
}

type Invited = { email: string; link: string; emailSent: boolean; emailError: string | null };

function InviteDialog({ action, onInvited }: { action: ReturnType<typeof useAction>; onInvited: (invited: Invited) => void }) {
  const { request } = useGraphQL();
  const { viewer } = useViewer();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('VIEWER');
  return (
    <ConfirmDialog
      open={action.open}
      title="Invite a member"
      confirmLabel="Send invitation"
      pending={action.pending}
      error={action.error}
      onClose={action.close}
      testId="invite-dialog"
      confirmDisabled={!email.trim()}
      onConfirm={() =>
        void action.run(async () => {
          const { inviteMember } = await request(InviteMemberMutation, { email: email.trim(), role });
          onInvited({
            email: inviteMember.invitation.email,
            link: inviteMember.link,
            emailSent: inviteMember.emailSent,
            emailError: inviteMember.emailError ?? null,
          });
        })
      }
    >
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Email</span>
          <input className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="invite-email" />
        </label>
        <label className="field">
          <span className="field-label">Role (at most your own)</span>
          <select className="input" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="invite-role">
            {grantable(viewer?.role).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
      </div>
    </ConfirmDialog>
  );
}
