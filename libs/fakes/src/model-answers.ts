// What the fake language model servers (FakeOllama, FakeOpenAI) answer. Their
// "model" reads the request the way LECTRA's llm service writes it: the kind of
// answer from the JSON schema it asks for (an outline has "slides", a slide has
// "narration", tagging has "tagged_narration"), the details from the prompt's
// labelled lines. Answers are deterministic, so tests can assert on them, and
// each kind can be switched to a broken mode to exercise the repair path. Their
// keys come in the order of the schema's properties, as a real server with
// structured outputs writes them: a client that reads the answer as it streams
// sees the fields in the order it asked for.

export type ModelAnswerKind = "outline" | "slide" | "tags";

export type AnswerMode =
  /** A clean JSON object. */
  | "valid"
  /** The JSON inside a ```json fence, with chatty prose before and after. */
  | "fenced"
  /** JSON cut off in the middle, every time. */
  | "truncated"
  /** Well-formed JSON that breaks the schema every time (two titles short, no narration, no tagged_narration). */
  | "schema-breaking"
  /** Truncated at first, valid when asked again with the validation error. */
  | "fixed-after-repair"
  /** Tagging only: valid tags, but some of the narration's words changed. */
  | "changes-words"
  /**
   * Slides only: valid, but written the way models write Markdown: emphasis and
   * code marks, a line broken inside a paragraph, doubled spaces, paragraphs that
   * start like a heading or a bullet, a pause tag out of range.
   */
  | "markdown";

export interface ChatMessageLike {
  role: string;
  content: string;
}

export interface ModelQuestion {
  kind: ModelAnswerKind;
  /** The request carries an earlier answer of the model's: this is the repair round. */
  repair: boolean;
  messages: ChatMessageLike[];
  /** How many slide titles the outline schema asks for. */
  slideCount: number;
  /** The schema's property names, in its order: the order the answer's keys are written in. */
  keys: string[];
}

/** What kind of answer the JSON schema asks for, or undefined for a plain chat. */
export function answerKindOf(schema: unknown): ModelAnswerKind | undefined {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  if ("slides" in properties) return "outline";
  if ("narration" in properties) return "slide";
  if ("tagged_narration" in properties) return "tags";
  return undefined;
}

export function questionOf(kind: ModelAnswerKind, messages: ChatMessageLike[], schema: unknown): ModelQuestion {
  const properties = (schema as { properties?: { slides?: { minItems?: number } } } | undefined)?.properties;
  const asked = /exactly (\d+) slides/i.exec(lastUserText(messages))?.[1];
  return {
    kind,
    repair: messages.some((m) => m.role === "assistant"),
    messages,
    slideCount: properties?.slides?.minItems ?? (asked ? Number(asked) : 5),
    keys: Object.keys(properties ?? {}),
  };
}

/** The answer's keys in the schema's order; keys the schema does not name go last, as they were. */
function inSchemaOrder(answer: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const key of keys) if (key in answer) ordered[key] = answer[key];
  return { ...ordered, ...answer };
}

/** The content of the model's answer, in the given mode. */
export function modelAnswer(question: ModelQuestion, mode: AnswerMode = "valid"): string {
  const answer = inSchemaOrder(validAnswer(question), question.keys);
  switch (mode) {
    case "valid":
      return JSON.stringify(answer);
    case "fenced":
      return `Sure! Here is the ${question.kind} you asked for:\n\n\`\`\`json\n${JSON.stringify(answer, null, 2)}\n\`\`\`\n\nLet me know if you want any changes.`;
    case "truncated":
      return truncate(JSON.stringify(answer, null, 2));
    case "schema-breaking":
      return JSON.stringify(breakSchema(question, answer));
    case "fixed-after-repair":
      return question.repair ? JSON.stringify(answer) : truncate(JSON.stringify(answer, null, 2));
    case "changes-words":
      if (question.kind !== "tags") return JSON.stringify(answer);
      return JSON.stringify({ tagged_narration: `[rate=-5%] So, basically, ${changeWords(narrationOf(question.messages))} [pause=900ms]` });
    case "markdown":
      return JSON.stringify(question.kind === "slide" ? inSchemaOrder(inMarkdown(answer as ReturnType<typeof slideAnswer>), question.keys) : answer);
  }
}

const truncate = (json: string) => json.slice(0, Math.max(1, Math.floor(json.length * 0.6)));

function breakSchema(question: ModelQuestion, answer: Record<string, unknown>): Record<string, unknown> {
  switch (question.kind) {
    case "outline":
      return { ...answer, slides: (answer.slides as unknown[]).slice(0, Math.max(1, question.slideCount - 2)) };
    case "slide": {
      const { narration: _, ...rest } = answer;
      return rest;
    }
    case "tags":
      return { tagged: true };
  }
}

function validAnswer(question: ModelQuestion): Record<string, unknown> {
  const text = lastUserText(question.messages);
  switch (question.kind) {
    case "outline":
      return outlineAnswer(labelled(text, "Topic") || "the topic", question.slideCount);
    case "slide":
      return slideAnswer(/Write slide \d+(?: of \d+)?:\s*(.+)/i.exec(text)?.[1]?.trim() || "A slide", labelled(text, "Lecture") || "The lecture");
    case "tags":
      return { tagged_narration: tagSentences(narrationOf(question.messages)) };
  }
}

const TITLE_PATTERNS = [
  (t: string) => `What ${t} is`,
  (t: string) => `Why ${t} matters`,
  (t: string) => `How ${t} works`,
  (t: string) => `${t} in practice`,
  (t: string) => `Common mistakes with ${t}`,
  (t: string) => `Where ${t} is heading`,
];

/** The outline: each slide's title, and the words to search its picture by (two to four, as the prompt asks: the title's last three). */
function outlineAnswer(topic: string, count: number) {
  const t = topic.slice(0, 60).trim();
  const titles = Array.from({ length: count }, (_, i) => (i < TITLE_PATTERNS.length ? TITLE_PATTERNS[i](t) : `${t}: part ${i + 1}`));
  return {
    title: `Understanding ${t}`.slice(0, 120),
    slides: titles.map((title) => ({ title, image_query: title.toLowerCase().split(/\s+/).slice(-3).join(" ").slice(0, 60) })),
  };
}

function slideAnswer(title: string, lecture: string) {
  const t = title.slice(0, 90);
  return {
    title: t,
    bullets: [`The core idea behind ${t.toLowerCase()}`, "A worked example", "What to remember"],
    narration:
      `This slide is about ${t.toLowerCase()}, part of ${lecture.toLowerCase()}. ` +
      `We start with the core idea and see why it matters. ` +
      `Then a worked example shows it in practice. ` +
      `Finally we sum up what to remember before moving on.`,
  };
}

function inMarkdown(slide: ReturnType<typeof slideAnswer>) {
  const [first, second, third, fourth] = slide.narration.split(/(?<=\.) /);
  const [core, example, remember] = slide.bullets;
  return {
    title: `_${slide.title}_`,
    bullets: [`**${core}**`, `- ${example}`, `${remember}  with \`code\``],
    narration: `${first}\n${second}\n\n# ${third} [pause=3000ms]\n\n- ${fourth}`,
  };
}

/** The narration with a pause after each sentence and a slower start: words untouched. */
function tagSentences(narration: string): string {
  const body = narration.trim().replace(/([.!?])\s+/g, "$1 [pause=350ms] ");
  return `[rate=-5%] ${body} [rate=+0%] [pause=900ms]`;
}

function changeWords(narration: string): string {
  return narration.replace(/\b(is|are|the)\b/i, (w) => `${w} really`);
}

function lastUserText(messages: ChatMessageLike[]): string {
  return [...messages].reverse().find((m) => m.role === "user" && !/^Your answer/i.test(m.content))?.content ?? "";
}

/** The value after "Label:" on its own line, without surrounding quotes. */
function labelled(text: string, label: string): string {
  const value = new RegExp(`^${label}:\\s*(.+)$`, "mi").exec(text)?.[1]?.trim() ?? "";
  return value.replace(/^"(.*)"$/, "$1");
}

/** The narration to tag: everything after a "Narration:" line. */
function narrationOf(messages: ChatMessageLike[]): string {
  const text = lastUserText(messages);
  const at = text.search(/^Narration:\s*$/im);
  return at < 0 ? text : text.slice(at).replace(/^Narration:\s*/i, "").trim();
}
