import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_CREDIT_CHARS, plainText } from "./plain-text";

test("plainText drops tags and decodes entities, as in Commons' Artist field", () => {
  assert.equal(plainText('<a href="//commons.wikimedia.org/wiki/User:J" title="User:J">Jane&nbsp;Doe</a>'), "Jane Doe");
  assert.equal(plainText('<span class="fn"><a href="x">Bob</a> &amp; <i>Alice</i></span>'), "Bob & Alice");
  assert.equal(plainText("Ren&#233; &#x4D;agritte &lt;3"), "René Magritte <3");
  assert.equal(plainText("Unknown&unknown; &bogus;"), "Unknown&unknown; &bogus;");
});

test("plainText separates block elements, removes scripts and control characters, collapses spaces", () => {
  assert.equal(plainText("<table><tr><td>Jane</td><td>Doe</td></tr></table>"), "Jane Doe");
  assert.equal(plainText("Jane<br/>Doe<script>alert(1)</script><style>p{}</style>"), "Jane Doe");
  assert.equal(plainText("Jane\u0000\u0007 \n\t Doe &#0; &#xD800;"), "Jane Doe");
});

test("plainText cuts long credits with an ellipsis", () => {
  const long = plainText(`<p>${"word ".repeat(100)}</p>`);
  assert.equal(long.length, MAX_CREDIT_CHARS);
  assert.ok(long.endsWith("…"));
});
