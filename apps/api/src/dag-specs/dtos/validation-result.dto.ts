import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('ValidationError')
export class ValidationErrorModel {
  @Field({ description: 'Where in the spec, e.g. tasks[3].dependsOn[0]' })
  path!: string;

  @Field()
  message!: string;
}

@ObjectType('ValidationResult')
export class ValidationResultModel {
  @Field()
  valid!: boolean;

  @Field(() => [ValidationErrorModel])
  errors!: ValidationErrorModel[];
}
