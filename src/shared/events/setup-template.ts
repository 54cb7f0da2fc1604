// The live-updates setup as CloudFormation, for an administrator to deploy with
// StackSets instead of letting Pipewright create it: the same names, patterns,
// policies and tag as the plan (setup-plan.ts). Two templates, as StackSets deploy
// them: the member template goes to every watched account and region (parameters:
// the hub's account and region), the hub template to the hub account in each hub
// region (parameter: the member accounts allowed to send).
//
// AWS::Events::Rule takes no Tags property: deploy both stack sets with the stack
// tag pipewright:events=1, which CloudFormation propagates to the rules (and the
// rest), so Pipewright's status and remove recognise them.
import YAML from 'yaml';
import {
  DLQ_NAME,
  EVENT_PATTERN,
  EVENTS_TAG_KEY,
  EVENTS_TAG_VALUE,
  HUB_BUS_NAME,
  HUB_RULE_NAME,
  HUB_TARGET_ID,
  MAX_RECEIVE_COUNT,
  MEMBER_RULE_NAME,
  MEMBER_TARGET_ID,
  QUEUE_NAME,
  ROLE_NAME,
  ROLE_POLICY_NAME,
  type EventsSetupPlan,
} from './setup-plan';

const TAGS = [{ Key: EVENTS_TAG_KEY, Value: EVENTS_TAG_VALUE }];
const sub = (s: string) => ({ 'Fn::Sub': s });
const ref = (s: string) => ({ Ref: s });
const getAtt = (r: string, a: string) => ({ 'Fn::GetAtt': [r, a] });

export function memberTemplate(defaults: { hubAccountId?: string; hubRegion?: string } = {}): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: "Pipewright live updates, member account: forwards CodePipeline's events to the hub's event bus.",
    Parameters: {
      HubAccountId: { Type: 'String', AllowedPattern: '^\\d{12}$', ...(defaults.hubAccountId ? { Default: defaults.hubAccountId } : {}) },
      HubRegion: {
        Type: 'String',
        Description: 'The hub region for this region (by default the same: cross-account delivery works within a region).',
        Default: defaults.hubRegion ?? '',
      },
      CreateForwardingRole: {
        Type: 'String',
        AllowedValues: ['true', 'false'],
        Default: 'true',
        Description: 'IAM roles are global: create the role in one region per account (true there, false in the others).',
      },
    },
    Conditions: {
      CreateRole: { 'Fn::Equals': [ref('CreateForwardingRole'), 'true'] },
      SameRegion: { 'Fn::Equals': [ref('HubRegion'), ''] },
    },
    Resources: {
      ForwardingRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'CreateRole',
        Properties: {
          RoleName: ROLE_NAME,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          Policies: [
            {
              PolicyName: ROLE_POLICY_NAME,
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Action: 'events:PutEvents', Resource: sub(`arn:\${AWS::Partition}:events:*:\${HubAccountId}:event-bus/${HUB_BUS_NAME}`) },
                ],
              },
            },
          ],
          Tags: TAGS,
        },
      },
      ForwardRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: MEMBER_RULE_NAME,
          EventBusName: 'default',
          State: 'ENABLED',
          EventPattern: EVENT_PATTERN,
          Targets: [
            {
              Id: MEMBER_TARGET_ID,
              Arn: {
                'Fn::If': [
                  'SameRegion',
                  sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${HubAccountId}:event-bus/${HUB_BUS_NAME}`),
                  sub(`arn:\${AWS::Partition}:events:\${HubRegion}:\${HubAccountId}:event-bus/${HUB_BUS_NAME}`),
                ],
              },
              RoleArn: sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${ROLE_NAME}`),
            },
          ],
        },
      },
    },
  };
}

export function hubTemplate(defaults: { memberAccountIds?: string[] } = {}): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Pipewright live updates, hub account: the event bus the member accounts forward to, and the queue Pipewright reads.',
    Parameters: {
      MemberAccountIds: {
        Type: 'CommaDelimitedList',
        Description: 'Accounts whose rules may put events on the hub bus (the hub account needs no entry).',
        ...(defaults.memberAccountIds?.length ? { Default: defaults.memberAccountIds.join(',') } : {}),
      },
    },
    Resources: {
      HubBus: { Type: 'AWS::Events::EventBus', Properties: { Name: HUB_BUS_NAME, Tags: TAGS } },
      // One statement for all member accounts (CloudFormation's EventBusPolicy takes a whole statement).
      HubBusPolicy: {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: ref('HubBus'),
          StatementId: 'pipewright-events-members',
          Statement: {
            Effect: 'Allow',
            Principal: { AWS: ref('MemberAccountIds') },
            Action: 'events:PutEvents',
            Resource: getAtt('HubBus', 'Arn'),
          },
        },
      },
      DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: DLQ_NAME, Tags: TAGS } },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: QUEUE_NAME,
          RedrivePolicy: { deadLetterTargetArn: getAtt('DeadLetterQueue', 'Arn'), maxReceiveCount: MAX_RECEIVE_COUNT },
          Tags: TAGS,
        },
      },
      QueuePolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [ref('Queue')],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'pipewright-events-from-hub-rule',
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: getAtt('Queue', 'Arn'),
                Condition: { ArnEquals: { 'aws:SourceArn': getAtt('HubRule', 'Arn') } },
              },
            ],
          },
        },
      },
      HubRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: HUB_RULE_NAME,
          EventBusName: ref('HubBus'),
          State: 'ENABLED',
          EventPattern: EVENT_PATTERN,
          Targets: [{ Id: HUB_TARGET_ID, Arn: getAtt('Queue', 'Arn') }],
        },
      },
    },
    Outputs: {
      QueueUrl: { Value: ref('Queue') },
      HubBusArn: { Value: getAtt('HubBus', 'Arn') },
    },
  };
}

/** Both templates as YAML, their parameters' defaults taken from a plan. */
export function eventsTemplates(plan: EventsSetupPlan): { member: string; hub: string } {
  const hubRegions = [...new Set(plan.routes.map((r) => r.hubRegion))];
  const crossRegion = plan.routes.some((r) => r.hubRegion !== r.region);
  const members = [...new Set(plan.routes.map((r) => r.accountId))].filter((a) => a !== plan.hub.accountId).sort();
  return {
    member: YAML.stringify(memberTemplate({ hubAccountId: plan.hub.accountId, ...(crossRegion ? { hubRegion: hubRegions[0] } : {}) })),
    hub: YAML.stringify(hubTemplate({ memberAccountIds: members })),
  };
}
