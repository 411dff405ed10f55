import { registerEnumType } from '@nestjs/graphql';
import { Role } from '@tower/db';

registerEnumType(Role, {
  name: 'Role',
  description: 'OWNER > ADMIN > EDITOR (DAGs, connections) > OPERATOR (trigger, pause, clear, mark) > VIEWER (read)',
});

export { Role };
