/** One instruction of a Dockerfile, continuation lines joined. */
export interface DockerInstruction {
  keyword: string;
  args: string;
}

export interface DockerStage {
  name: string;
  instructions: DockerInstruction[];
}

/**
 * Splits a Dockerfile into stages and instructions: enough to read the recipe back in the
 * layout check, not a full parser (no heredocs, no escape directive).
 */
export function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const joined = text.replace(/\\\r?\n/g, ' ');
  for (const rawLine of joined.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    const args = (match[2] ?? '').replace(/\s+/g, ' ').trim();
    if (keyword === 'FROM') {
      const name = /\sAS\s+(\S+)$/i.exec(args)?.[1] ?? String(stages.length);
      stages.push({ name, instructions: [] });
    }
    stages.at(-1)?.instructions.push({ keyword, args });
  }
  return stages;
}

/** Replaces `${NAME}` and `$NAME` with build arguments; unknown names are left as they are. */
export function substituteArgs(text: string, args: Record<string, string>): string {
  return text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const value = args[braced ?? bare ?? ''];
      return value ?? whole;
    },
  );
}

export function stage(stages: readonly DockerStage[], name: string): DockerStage {
  const found = stages.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`Dockerfile has no stage named ${name}`);
  return found;
}
