import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { xmlProblem } from "./strict-xml";

describe("the strict XML parser the tests use", () => {
  it("accepts well-formed documents, SVG or not", () => {
    assert.equal(xmlProblem('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<p:sld xmlns:p="urn:p"><p:t>a &amp; b &#65; 😀\ttab</p:t></p:sld>'), undefined);
    assert.equal(xmlProblem('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>'), undefined);
  });

  it("refuses what is not well-formed XML 1.0", () => {
    for (const bad of ["", "<a>\u0001</a>", "<a>\u000b</a>", "<a>\u0000</a>", "<a>\uFFFE</a>", "<a>&#1;</a>", "<a>&#xFFFF;</a>", "<a><b></a>", "<a>", "<a>&nbsp;</a>", "<p:a/>", '<a x="1" x="2"/>']) {
      assert.ok(xmlProblem(bad), `accepted ${JSON.stringify(bad)}`);
    }
  });
});
