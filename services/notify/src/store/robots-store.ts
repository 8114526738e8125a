import type { Queryable } from '@huimin/pg';
import type { RobotPlatform } from '../domain/robot-payload.ts';

export interface Robot {
  id: string;
  communityCode: string;
  platform: RobotPlatform;
  label: string | null;
  webhookUrl: string;
  /** DingTalk signing secret; stays inside notify. */
  secret: string | null;
  createdBy: string;
  createdAt: Date;
}

interface RobotRow {
  id: string;
  community_code: string;
  platform: RobotPlatform;
  label: string | null;
  webhook_url: string;
  secret: string | null;
  created_by: string;
  created_at: Date;
}

const robotOf = (r: RobotRow): Robot => ({
  id: r.id,
  communityCode: r.community_code,
  platform: r.platform,
  label: r.label,
  webhookUrl: r.webhook_url,
  secret: r.secret,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export async function insertRobot(db: Queryable, robot: Robot): Promise<void> {
  await db.query(
    `insert into robots (id, community_code, platform, label, webhook_url, secret, created_by, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      robot.id,
      robot.communityCode,
      robot.platform,
      robot.label,
      robot.webhookUrl,
      robot.secret,
      robot.createdBy,
      robot.createdAt,
    ],
  );
}

export async function robotsOf(db: Queryable, communityCode: string): Promise<Robot[]> {
  const { rows } = await db.query<RobotRow>(
    `select * from robots where community_code = $1 and deleted_at is null order by created_at, id`,
    [communityCode],
  );
  return rows.map(robotOf);
}

export async function communitiesWithRobots(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ community_code: string }>(
    'select distinct community_code from robots where deleted_at is null order by community_code',
  );
  return rows.map((r) => r.community_code);
}

export async function deleteRobot(
  db: Queryable,
  communityCode: string,
  id: string,
  at: Date,
): Promise<boolean> {
  const result = await db.query(
    `update robots set deleted_at = $3 where id = $1 and community_code = $2 and deleted_at is null`,
    [id, communityCode, at],
  );
  return result.rowCount === 1;
}

export type RobotMessageStatus = 'pending' | 'delivered' | 'given-up';

export interface RobotMessageRecord {
  id: string;
  robotId: string;
  communityCode: string;
  kind: 'alert' | 'escalation' | 'digest';
  about: string;
  title: string;
  markdown: string;
  status: RobotMessageStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

interface MessageRow {
  id: string;
  robot_id: string;
  community_code: string;
  kind: RobotMessageRecord['kind'];
  about: string;
  title: string;
  markdown: string;
  status: RobotMessageStatus;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const messageOf = (r: MessageRow): RobotMessageRecord => ({
  id: r.id,
  robotId: r.robot_id,
  communityCode: r.community_code,
  kind: r.kind,
  about: r.about,
  title: r.title,
  markdown: r.markdown,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/** Queues a message for a robot; false when that robot already has one about the same thing. */
export async function insertRobotMessage(
  db: Queryable,
  message: Pick<
    RobotMessageRecord,
    'id' | 'robotId' | 'communityCode' | 'kind' | 'about' | 'title' | 'markdown' | 'createdAt'
  >,
): Promise<boolean> {
  const result = await db.query(
    `insert into robot_messages (id, robot_id, community_code, kind, about, title, markdown, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (robot_id, about) do nothing`,
    [
      message.id,
      message.robotId,
      message.communityCode,
      message.kind,
      message.about,
      message.title,
      message.markdown,
      message.createdAt,
    ],
  );
  return result.rowCount === 1;
}

/** The message with its robot, locked for the sending job's transaction. */
export async function lockRobotMessage(
  db: Queryable,
  id: string,
): Promise<{ message: RobotMessageRecord; robot: Robot } | undefined> {
  const { rows } = await db.query<MessageRow>('select * from robot_messages where id = $1 for update', [id]);
  const row = rows[0];
  if (!row) return undefined;
  const { rows: robots } = await db.query<RobotRow>('select * from robots where id = $1', [row.robot_id]);
  const robot = robots[0];
  if (!robot) return undefined;
  return { message: messageOf(row), robot: robotOf(robot) };
}

export async function recordAttempt(
  db: Queryable,
  id: string,
  outcome: { status: RobotMessageStatus; error: string | null; at: Date },
): Promise<void> {
  await db.query(
    `update robot_messages
        set attempts = attempts + 1, status = $2, last_error = $3,
            delivered_at = case when $2 = 'delivered' then $4 else delivered_at end
      where id = $1`,
    [id, outcome.status, outcome.error, outcome.at],
  );
}

export async function robotMessagesOf(
  db: Queryable,
  communityCode: string,
  limit: number,
): Promise<RobotMessageRecord[]> {
  const { rows } = await db.query<MessageRow>(
    `select * from robot_messages where community_code = $1 order by created_at desc, id limit $2`,
    [communityCode, limit],
  );
  return rows.map(messageOf);
}
