/** Documents of the tenant pages: connections, API keys, audit log (typed by GraphQL Code Generator). */
import { graphql } from './generated';

graphql(`
  fragment ConnectionFields on Connection {
    id
    connId
    type
    description
    config
    secretFields
    hasPassword
    updatedAt
  }
`);

/** The connections page reads this many (one page: a tenant has few). */
export const CONNECTIONS_PAGE = 200;

export const ConnectionsQuery = graphql(`
  query Connections($first: Int) {
    connections(first: $first) {
      totalCount
      edges {
        node {
          ...ConnectionFields
        }
      }
    }
  }
`);

export const CreateConnectionMutation = graphql(`
  mutation CreateConnection($input: CreateConnectionInput!) {
    createConnection(input: $input) {
      ...ConnectionFields
    }
  }
`);

export const UpdateConnectionMutation = graphql(`
  mutation UpdateConnection($id: ID!, $input: UpdateConnectionInput!) {
    updateConnection(id: $id, input: $input) {
      ...ConnectionFields
    }
  }
`);

export const TestConnectionMutation = graphql(`
  mutation TestConnection($id: ID!) {
    testConnection(id: $id) {
      ok
      message
    }
  }
`);

graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    name
    role
    createdAt
    lastUsedAt
    revokedAt
  }
`);

export const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      ...ApiKeyFields
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($name: String!, $role: Role!) {
    createApiKey(name: $name, role: $role) {
      secret
      apiKey {
        ...ApiKeyFields
      }
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);

export const AuditLogQuery = graphql(`
  query AuditLog($first: Int, $after: String) {
    auditLog(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          createdAt
          action
          actorType
          actorId
          targetType
          targetId
          details
        }
      }
    }
  }
`);

graphql(`
  fragment MemberFields on Member {
    id
    role
    createdAt
    user {
      id
      email
      name
    }
  }
`);

graphql(`
  fragment InvitationFields on Invitation {
    id
    email
    role
    status
    createdAt
    expiresAt
    acceptedAt
    revokedAt
  }
`);

export const MembersQuery = graphql(`
  query Members {
    members {
      ...MemberFields
    }
  }
`);

export const InvitationsQuery = graphql(`
  query Invitations {
    invitations {
      ...InvitationFields
    }
  }
`);

export const InviteMemberMutation = graphql(`
  mutation InviteMember($email: String!, $role: Role!) {
    inviteMember(email: $email, role: $role) {
      link
      emailSent
      emailError
      invitation {
        ...InvitationFields
      }
    }
  }
`);

export const UpdateMemberRoleMutation = graphql(`
  mutation UpdateMemberRole($id: ID!, $role: Role!) {
    updateMemberRole(id: $id, role: $role) {
      ...MemberFields
    }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($id: ID!) {
    removeMember(id: $id) {
      id
    }
  }
`);

export const RevokeInvitationMutation = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      ...InvitationFields
    }
  }
`);
