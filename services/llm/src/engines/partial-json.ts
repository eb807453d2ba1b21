// Reads a model's JSON answer while it is still being written, so that a
// streamed outline can hand out each slide title the moment its closing quote
// arrives. Fed the answer's text piece by piece, it keeps a tree of the values
// read so far, each marked complete or not, a string's text so far included.
//
// It finds the object the way findJsonObject (structured.ts) does: prose or a
// ```json fence before it is skipped, and a "{" in that prose that turns out
// not to start JSON ("the {outline} you asked for") is given up for the next
// one. Once the object has shown a field, a syntax error does not start over:
// what was read stays as it was (values only ever grow) and the reader says the
// answer is broken; the whole answer is judged again when it ends.

export interface PartialString {
  type: "string";
  /** The decoded text so far: escapes resolved, never half a surrogate pair or half an escape. */
  text: string;
  complete: boolean;
}

export interface PartialArray {
  type: "array";
  items: PartialValue[];
  complete: boolean;
}

export interface PartialObject {
  type: "object";
  /** In the order the answer has them; a field appears once its value has started. */
  fields: Map<string, PartialValue>;
  complete: boolean;
}

/** A number, true, false or null, as written. */
export interface PartialLiteral {
  type: "literal";
  text: string;
  complete: boolean;
}

export type PartialValue = PartialString | PartialArray | PartialObject | PartialLiteral;

type Mode =
  /** Before the object: prose, a fence. */
  | "seek"
  /** After "{": a key or "}". */
  | "key-or-end"
  /** After "," in an object. */
  | "key"
  | "colon"
  /** After "[": a value or "]". */
  | "value-or-end"
  /** After ":" or "," in an array. */
  | "value"
  /** After a value: "," or the closing bracket. */
  | "after-value"
  | "string"
  | "literal"
  /** The object closed; the rest of the text is not read. */
  | "done"
  | "broken";

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const SPACE = new Set([" ", "\t", "\n", "\r"]);
const LITERAL_START = /[-0-9tfn]/;
const LITERAL_CHAR = /[-+.0-9a-zA-Z]/;
const HEX = /[0-9a-fA-F]/;

const isHigh = (unit: string) => unit >= "\uD800" && unit <= "\uDBFF";
const isLow = (unit: string) => unit >= "\uDC00" && unit <= "\uDFFF";

export class PartialJsonReader {
  /** Everything pushed so far. */
  private all = "";
  /** How much of `all` has been read. */
  private at = 0;
  /** Where the object's "{" is in `all`. */
  private start = -1;
  private mode: Mode = "seek";
  private readonly stack: Array<PartialObject | PartialArray> = [];
  /** The key being read, then the key whose value comes next. */
  private key = "";
  /** The string value being read; undefined while a key is read. */
  private string: PartialString | undefined;
  private literal: PartialLiteral | undefined;
  /** After a backslash: "" at once, "u", "u0", … in a \uXXXX escape. */
  private escape: string | undefined;
  /** A high surrogate held back until its low half is read. */
  private high = "";
  private root_: PartialObject | undefined;
  private problem_: string | undefined;

  /** The answer's object so far; undefined until its "{". */
  get root(): PartialObject | undefined {
    return this.root_;
  }

  /** All the text pushed. */
  get text(): string {
    return this.all;
  }

  /** The object has closed. */
  get done(): boolean {
    return this.mode === "done";
  }

  /** What broke the JSON after the object showed a field; undefined while it is fine. */
  get problem(): string | undefined {
    return this.problem_;
  }

  push(delta: string): this {
    this.all += delta;
    for (; this.at < this.all.length; this.at++) {
      if (this.mode === "done" || this.mode === "broken") break;
      this.step(this.all[this.at]);
    }
    return this;
  }

  private step(c: string): void {
    switch (this.mode) {
      case "seek":
        if (c === "{") {
          this.start = this.at;
          this.root_ = { type: "object", fields: new Map(), complete: false };
          this.stack.push(this.root_);
          this.mode = "key-or-end";
        }
        return;
      case "string":
        return this.stringUnit(c);
      case "literal":
        if (LITERAL_CHAR.test(c)) {
          this.literal!.text += c;
          return;
        }
        if (!this.endLiteral()) return;
        break; // c is what follows the literal
    }
    if (SPACE.has(c)) return;
    switch (this.mode) {
      case "key-or-end":
      case "key":
        if (c === '"') return this.startString(undefined);
        if (c === "}" && this.mode === "key-or-end") return this.close();
        return this.fail(`${quoted(c)} where a key should be`);
      case "colon":
        if (c === ":") this.mode = "value";
        else this.fail(`${quoted(c)} where a colon should be`);
        return;
      case "value-or-end":
        if (c === "]") return this.close();
        return this.value(c);
      case "value":
        return this.value(c);
      case "after-value": {
        const inObject = this.stack.at(-1)!.type === "object";
        if (c === ",") this.mode = inObject ? "key" : "value";
        else if (c === (inObject ? "}" : "]")) this.close();
        else this.fail(`${quoted(c)} after a value`);
        return;
      }
    }
  }

  private value(c: string): void {
    if (c === '"') {
      const node: PartialString = { type: "string", text: "", complete: false };
      this.attach(node);
      return this.startString(node);
    }
    if (c === "{" || c === "[") {
      const node: PartialObject | PartialArray =
        c === "{" ? { type: "object", fields: new Map(), complete: false } : { type: "array", items: [], complete: false };
      this.attach(node);
      this.stack.push(node);
      this.mode = c === "{" ? "key-or-end" : "value-or-end";
      return;
    }
    if (LITERAL_START.test(c)) {
      this.literal = { type: "literal", text: c, complete: false };
      this.attach(this.literal);
      this.mode = "literal";
      return;
    }
    this.fail(`${quoted(c)} where a value should be`);
  }

  private attach(node: PartialValue): void {
    const parent = this.stack.at(-1)!;
    if (parent.type === "object") parent.fields.set(this.key, node);
    else parent.items.push(node);
  }

  private close(): void {
    this.stack.pop()!.complete = true;
    this.mode = this.stack.length === 0 ? "done" : "after-value";
  }

  private startString(node: PartialString | undefined): void {
    this.string = node;
    if (!node) this.key = "";
    this.mode = "string";
  }

  private stringUnit(c: string): void {
    if (this.escape === "") {
      if (c === "u") {
        this.escape = "u";
        return;
      }
      const unescaped = ESCAPES[c];
      if (unescaped === undefined) return this.fail(`an invalid escape \\${c}`);
      this.escape = undefined;
      return this.append(unescaped);
    }
    if (this.escape !== undefined) {
      if (!HEX.test(c)) return this.fail(`an invalid escape \\${this.escape}${c}`);
      this.escape += c;
      if (this.escape.length < 5) return;
      const unit = String.fromCharCode(parseInt(this.escape.slice(1), 16));
      this.escape = undefined;
      return this.append(unit);
    }
    if (c === "\\") this.escape = "";
    else if (c === '"') this.endString();
    else if (c < " ") this.fail("a control character inside a string");
    else this.append(c);
  }

  /** Adds one UTF-16 unit to the string or key, holding a high surrogate back until its low half comes. */
  private append(unit: string): void {
    if (this.high && isLow(unit)) {
      this.write(this.high + unit);
      this.high = "";
      return;
    }
    // A lone high surrogate is kept, as JSON.parse keeps it.
    if (this.high) this.write(this.high);
    this.high = isHigh(unit) ? unit : "";
    if (!this.high) this.write(unit);
  }

  private write(text: string): void {
    if (this.string) this.string.text += text;
    else this.key += text;
  }

  private endString(): void {
    if (this.high) this.write(this.high);
    this.high = "";
    if (this.string) {
      this.string.complete = true;
      this.string = undefined;
      this.mode = "after-value";
    } else {
      this.mode = "colon";
    }
  }

  /** False when the literal is not one (the reader then failed). */
  private endLiteral(): boolean {
    const literal = this.literal!;
    this.literal = undefined;
    try {
      JSON.parse(literal.text);
    } catch {
      this.fail(`${quoted(literal.text)} where a value should be`);
      return false;
    }
    literal.complete = true;
    this.mode = "after-value";
    return true;
  }

  /**
   * Before the object showed a field, its "{" was prose: look for the next one.
   * After, the answer is broken, and what was read stays as it is.
   */
  private fail(problem: string): void {
    if (this.root_ && this.root_.fields.size === 0) {
      this.root_ = undefined;
      this.stack.length = 0;
      this.string = this.literal = this.escape = undefined;
      this.high = this.key = "";
      this.mode = "seek";
      // The loop in push() moves on to the character after the "{".
      this.at = this.start;
      return;
    }
    this.mode = "broken";
    this.problem_ = problem;
  }
}

const quoted = (c: string) => JSON.stringify(c);

/** A field of the object that holds a string (complete or not); undefined when it has not started or is not a string. */
export function stringField(object: PartialObject | undefined, key: string): PartialString | undefined {
  const value = object?.fields.get(key);
  return value?.type === "string" ? value : undefined;
}

/** The complete items of one type at the start of an array field: up to the first that is not yet complete or of another type. */
function leadingComplete<T extends PartialValue["type"]>(object: PartialObject | undefined, key: string, type: T): Array<Extract<PartialValue, { type: T }>> {
  const value = object?.fields.get(key);
  if (value?.type !== "array") return [];
  const items: Array<Extract<PartialValue, { type: T }>> = [];
  for (const item of value.items) {
    if (item.type !== type || !item.complete) break;
    items.push(item as Extract<PartialValue, { type: T }>);
  }
  return items;
}

/** The complete strings at the start of an array field: up to the first item that is not yet complete or not a string. */
export const completeStrings = (object: PartialObject | undefined, key: string): string[] => leadingComplete(object, key, "string").map((s) => s.text);

/** The complete objects at the start of an array field (an outline's slides): up to the first that is not yet complete or not an object. */
export const completeObjects = (object: PartialObject | undefined, key: string): PartialObject[] => leadingComplete(object, key, "object");
