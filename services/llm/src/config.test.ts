import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "@lectra/service-kit";
import { llmConfig, ollamaUrl } from "./config";

test("defaults run Ollama on this machine with llama3.1:8b", () => {
  assert.deepEqual(llmConfig({}), {
    provider: "ollama",
    model: "llama3.1:8b",
    ollamaHost: "http://127.0.0.1:11434",
    openaiBaseUrl: "https://api.openai.com/v1",
    openaiApiKey: undefined,
    pull: false,
    tagger: "auto",
    concurrency: 4,
    callTimeoutMs: 90_000,
  });
});

test("OLLAMA_HOST is read the way Ollama reads it", () => {
  const urls: Record<string, string> = {
    "0.0.0.0": "http://127.0.0.1:11434",
    "gpu-box:8080": "http://gpu-box:8080",
    "https://ollama.example.org/": "https://ollama.example.org",
    "http://127.0.0.1:11434": "http://127.0.0.1:11434",
  };
  for (const [host, url] of Object.entries(urls)) assert.equal(ollamaUrl(host), url, host);
});

test("every setting comes from its variable", () => {
  const env = {
    LECTRA_LLM_PROVIDER: "OpenAI",
    LECTRA_LLM_MODEL: "qwen2.5:7b",
    LECTRA_OPENAI_BASE_URL: "http://127.0.0.1:8000/v1/",
    LECTRA_OPENAI_API_KEY: "sk-1",
    LECTRA_LLM_PULL: "1",
    LECTRA_LLM_TAGGER: "rules",
    LECTRA_LLM_CONCURRENCY: "2",
    LECTRA_LLM_CALL_TIMEOUT_MS: "5000",
  };
  const config = llmConfig(env);
  assert.deepEqual(
    [config.provider, config.model, config.openaiBaseUrl, config.openaiApiKey, config.pull, config.tagger, config.concurrency, config.callTimeoutMs],
    ["openai", "qwen2.5:7b", "http://127.0.0.1:8000/v1", "sk-1", true, "rules", 2, 5000],
  );
});

test("bad values stop the service at start with the variable's name", () => {
  assert.throws(() => llmConfig({ LECTRA_LLM_PROVIDER: "gpt" }), (e: unknown) => e instanceof ConfigError && /LECTRA_LLM_PROVIDER=gpt: expected one of ollama, openai, none/.test(e.message));
  assert.throws(() => llmConfig({ LECTRA_LLM_PROVIDER: "none", LECTRA_LLM_TAGGER: "model" }), /LECTRA_LLM_TAGGER=model needs a language model/);
  assert.throws(() => llmConfig({ LECTRA_LLM_CONCURRENCY: "0" }), /LECTRA_LLM_CONCURRENCY=0/);
});
