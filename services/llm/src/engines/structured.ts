// JSON from a model's text. Models wrap JSON in code fences, chat around it,
// stop halfway, or answer well-formed JSON of the wrong shape. This module finds
// the JSON object in the text, validates it against a zod schema, and when that
// fails asks once more with what was wrong; a second failure is an error that
// names the model and the problem, never an empty slide. Streamed, the answer
// is read as it comes (partial-json.ts) and judged the same way once it ends.
import { trace } from "@opentelemetry/api";
import { z } from "zod";
import type { ChatMessage, JsonChat, LanguageModel } from "./engine";
import { PartialJsonReader, type PartialObject } from "./partial-json";
import { repairPrompt } from "./prompts";

export type Reading<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The model's answer could not be used, even after a repair round. Becomes INTERNAL with this message. */
export class UnusableAnswerError extends Error {
  override name = "UnusableAnswerError";
}

/** Where the JSON object that starts at `start` ends (exclusive), or -1 when it never closes. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The first JSON object in the text, wherever it is: bare, inside a ```json
 * fence, or between sentences. Braces in the prose before it are skipped
 * because they do not parse. An object found after a "{" that never closes may
 * be one nested in a cut-off answer (an outline's slide): `afterCutOff` says so.
 */
export function findJsonObject(text: string): Reading<unknown> & { afterCutOff?: boolean } {
  let firstError: string | undefined;
  let cutOff = false;
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    const end = objectEnd(text, start);
    if (end < 0) {
      cutOff = true;
      continue;
    }
    try {
      const value: unknown = JSON.parse(text.slice(start, end));
      return cutOff ? { ok: true, value, afterCutOff: true } : { ok: true, value };
    } catch (error) {
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  }
  if (cutOff) return { ok: false, problem: "JSON that was cut off before it ended" };
  if (firstError) return { ok: false, problem: `invalid JSON (${firstError})` };
  return { ok: false, problem: text.trim() ? "no JSON object" : "an empty answer" };
}

const pathOf = (path: PropertyKey[] | undefined) =>
  (path ?? []).map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");

const kindOf = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`);

/**
 * Messages for the structural problems the schemas do not word themselves
 * (a missing key, a wrong type); the schemas' own messages take precedence.
 */
function describeIssue(issue: { code?: string; path?: PropertyKey[]; input?: unknown; expected?: string }): string {
  const path = pathOf(issue.path);
  if (issue.code === "invalid_type") {
    if (!path) return `${kindOf(issue.input)} instead of a JSON object`;
    if (issue.input === undefined) return `no "${path}"`;
    return `"${path}" as ${kindOf(issue.input)} instead of ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}`;
  }
  return `an invalid "${path}"`;
}

/** Validates a model's answer text against the schema; the problem, when there is one, is worded for people and models alike. */
export function readAnswer<T>(text: string, schema: z.ZodType<T>): Reading<T> {
  const json = findJsonObject(text);
  if (!json.ok) return json;
  const result = schema.safeParse(json.value, { error: describeIssue });
  if (result.success) return { ok: true, value: result.data };
  // Not the answer, but a part of the answer that was cut off.
  if (json.afterCutOff) return { ok: false, problem: "JSON that was cut off before it ended" };
  const problems = [...new Set(result.error.issues.map((i) => i.message))];
  return { ok: false, problem: problems.join("; ") };
}

export interface Question<T> {
  /** What is asked for, in words: "the outline", "slide 3", "the prosody tags". */
  what: string;
  /** A short name for the schema, e.g. "outline". */
  name: string;
  schema: z.ZodType<T>;
  messages: ChatMessage[];
  probe?: boolean;
  /** As JsonChat.priority. */
  priority?: number;
}

const chatOf = <T>(question: Question<T>, messages: ChatMessage[]): JsonChat => ({
  name: question.name,
  messages,
  schema: z.toJSONSchema(question.schema) as Record<string, unknown>,
  probe: question.probe,
  priority: question.priority,
});

/**
 * The repair round: the model sees its unusable first answer and the problem,
 * and answers once more (not streamed: a caller that acted on the first answer's
 * parts keeps them, and the rest comes at once). The repaired answer comes back
 * with a warning saying so; a second unusable answer is an UnusableAnswerError.
 */
async function repairRound<T>(model: LanguageModel, question: Question<T>, first: string, problem: string, signal: AbortSignal): Promise<{ value: T; warnings: string[] }> {
  trace.getActiveSpan()?.addEvent("llm.repair", { "lectra.llm.answer": question.name, "lectra.llm.problem": problem });
  const second = await model.chat(chatOf(question, [...question.messages, { role: "assistant", content: first }, repairPrompt(problem)]), signal);
  const secondReading = readAnswer(second, question.schema);
  if (!secondReading.ok) {
    throw new UnusableAnswerError(`the model ${model.model} answered ${question.what} with ${secondReading.problem} (after one repair)`);
  }
  return {
    value: secondReading.value,
    warnings: [`the model's first answer for ${question.what} was unusable (${problem}); a second answer repaired it`],
  };
}

/**
 * Asks the model for JSON of the question's shape. An unusable first answer
 * gets one repair round that shows the model its answer and the problem; the
 * repaired answer comes back with a warning saying so.
 */
export async function askForJson<T>(model: LanguageModel, question: Question<T>, signal: AbortSignal): Promise<{ value: T; warnings: string[] }> {
  const first = await model.chat(chatOf(question, question.messages), signal);
  const firstReading = readAnswer(first, question.schema);
  if (firstReading.ok) return { value: firstReading.value, warnings: [] };
  return repairRound(model, question, first, firstReading.problem, signal);
}

/** A streamed answer so far (its object as read, growing in place), or, last, the whole answer validated. */
export type JsonSoFar<T> =
  | { complete: false; partial: PartialObject }
  | { complete: true; value: T; warnings: string[]; repaired: boolean };

/**
 * askForJson, streamed: yields the answer's object as read after each piece
 * of text (the same object, grown; read it before asking for the next), then
 * the whole answer validated against the schema. An unusable answer (broken
 * JSON, the wrong shape, cut off) gets the same repair round as askForJson;
 * its value then replaces what the stream showed (`repaired`).
 */
export async function* streamJson<T>(model: LanguageModel, question: Question<T>, signal: AbortSignal): AsyncGenerator<JsonSoFar<T>> {
  const reader = new PartialJsonReader();
  for await (const delta of model.chatStream(chatOf(question, question.messages), signal)) {
    reader.push(delta);
    if (reader.root) yield { complete: false, partial: reader.root };
  }
  const reading = readAnswer(reader.text, question.schema);
  if (reading.ok) yield { complete: true, value: reading.value, warnings: [], repaired: false };
  else yield { complete: true, ...(await repairRound(model, question, reader.text, reading.problem, signal)), repaired: true };
}
