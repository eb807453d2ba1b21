// `lectra voices`: what `--voice` accepts, straight from the speech service.
import { speechClient } from "@lectra/clients";
import { explain } from "./generate";

export async function listVoices(language: string): Promise<void> {
  const client = speechClient();
  const { voices, defaultVoice } = await client.listVoices({ language }).catch((e) => Promise.reject(explain(e)));
  for (const v of voices) console.log(`${v.name === defaultVoice ? "*" : " "} ${v.name.padEnd(28)} ${v.language.padEnd(15)} ${v.engine.padEnd(7)} ${v.description}`);
  console.log(`\n${voices.length} voices; * is the default`);
  client.downstream.close();
}
