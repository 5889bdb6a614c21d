#include "mail/html.h"

#include <gtest/gtest.h>

#include <string>

using redress::mail::html_to_text;
using redress::mail::sanitize_html;
using redress::mail::SanitizeOptions;

// --- sanitize_html ------------------------------------------------------------------------

TEST(SanitizeHtmlTest, ScriptsVanishWithTheirContent) {
  std::string out = sanitize_html("<p>hi</p><script>alert(1)</script><SCRIPT src=x.js></SCRIPT>");
  EXPECT_EQ(out, "<p>hi</p>");
}

TEST(SanitizeHtmlTest, EventHandlersAreDropped) {
  std::string out = sanitize_html(R"~(<p onclick="steal()" OnMouseOver='x()'>a</p><img src="cid:a" onerror="x()">)~");
  EXPECT_EQ(out, R"~(<p>a</p><img src="cid:a">)~");
}

TEST(SanitizeHtmlTest, JavascriptLinksLoseTheLinkButKeepTheText) {
  EXPECT_EQ(sanitize_html(R"~(<a href="javascript:alert(1)">click</a>)~"), "click");
  EXPECT_EQ(sanitize_html("<a href=\"java\tscript:alert(1)\">x</a>"), "x");
  EXPECT_EQ(sanitize_html(R"~(<a href="  JaVaScRiPt:alert(1)">y</a>)~"), "y");
  EXPECT_EQ(sanitize_html(R"~(<a href="vbscript:x">z</a><a href="data:text/html,<script>">w</a>)~"), "zw");
  EXPECT_EQ(sanitize_html(R"~(<a href="/relative">r</a>)~"), "r");
}

TEST(SanitizeHtmlTest, LinksGetRelAndTarget) {
  EXPECT_EQ(sanitize_html(R"~(<a href="https://example.com/?a=1&amp;b=2" class="c" id="i">x</a>)~"),
            R"~(<a href="https://example.com/?a=1&amp;b=2" rel="noopener noreferrer nofollow" target="_blank">x</a>)~");
  EXPECT_EQ(sanitize_html(R"~(<a href="mailto:a@example.com">mail</a>)~"),
            R"~(<a href="mailto:a@example.com" rel="noopener noreferrer nofollow" target="_blank">mail</a>)~");
}

TEST(SanitizeHtmlTest, StyleElementsAndAttributesAreDropped) {
  std::string out = sanitize_html(
      "<style>body{background:url(https://t.example/x)}</style>"
      "<p style=\"color:red;background:url(https://t.example/y)\" class=\"x\">t</p>");
  EXPECT_EQ(out, "<p>t</p>");
}

TEST(SanitizeHtmlTest, RemoteImagesAreNotLoadedUnlessAllowed) {
  std::string html = R"~(<img src="https://tracker.example/p.gif" alt="logo" width="10" height="5px">)~";
  EXPECT_EQ(sanitize_html(html),
            R"~(<img data-remote-src="https://tracker.example/p.gif" alt="logo" width="10" height="5px">)~");
  SanitizeOptions allow;
  allow.allow_remote_images = true;
  EXPECT_EQ(sanitize_html(html, allow), R"~(<img src="https://tracker.example/p.gif" alt="logo" width="10" height="5px">)~");
}

TEST(SanitizeHtmlTest, CidAndInlineDataImagesStay) {
  EXPECT_EQ(sanitize_html(R"~(<img src="cid:part1.ABC@example.com">)~"), R"~(<img src="cid:part1.ABC@example.com">)~");
  EXPECT_EQ(sanitize_html(R"~(<img src="data:image/png;base64,iVBORw0KGgo=">)~"),
            R"~(<img src="data:image/png;base64,iVBORw0KGgo=">)~");
  // SVG can carry script: not as an inline data image.
  EXPECT_EQ(sanitize_html(R"~(<img src="data:image/svg+xml;base64,PHN2Zz4=">)~"), "");
  EXPECT_EQ(sanitize_html(R"~(<img src="file:///etc/passwd">)~"), "");
}

TEST(SanitizeHtmlTest, TablesAreKept) {
  std::string out = sanitize_html(
      R"~(<table border="1" onclick="x"><tr><td colspan="2" bgcolor="red">a</td></tr><tr><th>b</th><td>c</td></tr></table>)~");
  EXPECT_EQ(out,
            R"~(<table border="1"><tbody><tr><td colspan="2">a</td></tr><tr><th>b</th><td>c</td></tr></tbody></table>)~");
}

TEST(SanitizeHtmlTest, CommentsAndConditionalCommentsAreDropped) {
  EXPECT_EQ(sanitize_html("<p>a<!-- secret --></p><!--[if mso]><p>outlook</p><![endif]-->"), "<p>a</p>");
}

TEST(SanitizeHtmlTest, NestedAndUnclosedTagsComeOutWellFormed) {
  EXPECT_EQ(sanitize_html("<b><i>x</b>y</i><p>open"), "<b><i>x</i></b><i>y</i><p>open</p>");
  EXPECT_EQ(sanitize_html("<ul><li>one<li>two</ul>"), "<ul><li>one</li><li>two</li></ul>");
}

TEST(SanitizeHtmlTest, UnknownElementsAreUnwrappedAndActiveOnesDropped) {
  EXPECT_EQ(sanitize_html("<font face=x><center>c</center></font><o:p>o</o:p>"), "co");
  EXPECT_EQ(sanitize_html("<iframe src=https://x></iframe><form action=x><input name=a>f</form>"), "f");
  EXPECT_EQ(sanitize_html("<svg><script>x</script><a href=https://x>s</a></svg><math>m</math>"), "");
  EXPECT_EQ(sanitize_html("<object data=x>o</object><embed src=x><base href=https://evil>"), "");
}

TEST(SanitizeHtmlTest, DocumentPartsAndHeadAreRemoved) {
  EXPECT_EQ(sanitize_html("<!DOCTYPE html><html><head><title>T</title><meta http-equiv=refresh content=0></head>"
                          "<body bgcolor=red><div>b</div></body></html>"),
            "<div>b</div>");
}

TEST(SanitizeHtmlTest, TextIsEscaped) {
  EXPECT_EQ(sanitize_html("a &lt;script&gt; &amp; &quot;q&quot;"), "a &lt;script&gt; &amp; \"q\"");
  EXPECT_EQ(sanitize_html(R"~(<img src="cid:a&quot;onerror=&quot;x" alt='"><script>'>)~"),
            R"~(<img src="cid:a&quot;onerror=&quot;x" alt="&quot;&gt;&lt;script&gt;">)~");
}

TEST(SanitizeHtmlTest, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(sanitize_html("<p>caf\xE9</p>"), "<p>caf\xEF\xBF\xBD</p>");
}

TEST(SanitizeHtmlTest, DeepNestingIsParsedUpToALimitAndReadAsTextBeyond) {
  std::string nested;
  for (int i = 0; i < 500; ++i) nested += "<div>";
  nested += "<b>x</b>";
  EXPECT_NE(sanitize_html(nested).find("<div><div><b>x</b></div>"), std::string::npos);

  // 100k nested tables would overflow gumbo's recursive cleanup and take its tree builder
  // minutes: such input is only stripped of its tags.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<table><tr><td>";
  deep += "x &amp; <script>hidden</script>y";
  EXPECT_EQ(sanitize_html(deep), "<pre>x &amp; y</pre>");
  EXPECT_EQ(html_to_text(deep), "x & y");
}

// --- html_to_text ---------------------------------------------------------------------------

TEST(HtmlToTextTest, ParagraphsAreSeparatedByABlankLine) {
  EXPECT_EQ(html_to_text("<p>one</p><p>two</p>"), "one\n\ntwo");
  EXPECT_EQ(html_to_text("<h1>Title</h1>body"), "Title\n\nbody");
}

TEST(HtmlToTextTest, BreaksAndDivsEndLines) {
  EXPECT_EQ(html_to_text("a<br>b<br/><br>c"), "a\nb\n\nc");
  EXPECT_EQ(html_to_text("<div>a</div><div>b</div>"), "a\nb");
}

TEST(HtmlToTextTest, ListsGetDashes) {
  EXPECT_EQ(html_to_text("<ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul>after"),
            "- one\n- two\n  - inner\nafter");
  EXPECT_EQ(html_to_text("<ol><li>first</li><li>second</li></ol>"), "- first\n- second");
}

TEST(HtmlToTextTest, LinksKeepTheirTargetWhenItDiffersFromTheText) {
  EXPECT_EQ(html_to_text(R"~(see <a href="https://example.com/docs">the docs</a>.)~"),
            "see the docs <https://example.com/docs>.");
  EXPECT_EQ(html_to_text(R"~(<a href="https://example.com">https://example.com</a>)~"), "https://example.com");
  EXPECT_EQ(html_to_text(R"~(<a href="mailto:a@example.com">a@example.com</a>)~"), "a@example.com");
  EXPECT_EQ(html_to_text(R"~(<a href="javascript:x()">x</a>)~"), "x");
  EXPECT_EQ(html_to_text(R"~(<a href="https://example.com"><img src="cid:logo"></a>)~"), "");
}

TEST(HtmlToTextTest, EntitiesAreDecoded) {
  EXPECT_EQ(html_to_text("a &amp; b &lt;c&gt; &quot;d&quot; &euro;&#8364;&#x20AC; caf&eacute;"),
            "a & b <c> \"d\" \xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC caf\xC3\xA9");
}

TEST(HtmlToTextTest, WhitespaceCollapsesExceptInPre) {
  EXPECT_EQ(html_to_text("  a \n\t b   c  "), "a b c");
  EXPECT_EQ(html_to_text("<pre>  x  y\n    z</pre>"), "  x  y\n    z");
  EXPECT_EQ(html_to_text("a&nbsp;&nbsp;b"), "a  b");
}

TEST(HtmlToTextTest, ScriptsStylesAndHeadVanish) {
  EXPECT_EQ(html_to_text("<html><head><title>t</title><style>p{}</style></head><body>"
                         "<script>var x;</script>text</body></html>"),
            "text");
}

TEST(HtmlToTextTest, QuotesArePrefixed) {
  EXPECT_EQ(html_to_text("reply<blockquote><p>quoted</p><p>more</p></blockquote>end"),
            "reply\n\n> quoted\n>\n> more\n\nend");
}

TEST(HtmlToTextTest, TableCellsAreSeparated) {
  EXPECT_EQ(html_to_text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"), "a b\nc d");
}

TEST(HtmlToTextTest, RunsOfBlankLinesCollapse) {
  EXPECT_EQ(html_to_text("a<br><br><br><br>b<p></p><p></p><p>c</p>"), "a\n\nb\n\nc");
}
