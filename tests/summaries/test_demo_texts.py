"""The demo texts in summaries/demo/ and the structure in summaries/demo_content.py agree."""

from summaries import demo_content


def test_every_demo_text_file_is_used_and_none_is_empty():
    # A file left behind by a rename would silently stop appearing on the demo site.
    texts = [paper["abstract"] for paper in demo_content.PAPERS]
    texts += [item["body"] for item in demo_content.SUMMARIES + demo_content.COMMENTS]
    files = sorted(demo_content.TEXTS.rglob("*.md"))
    assert len(files) == len(texts)
    assert all(text.strip() for text in texts)
    read = {file.read_text(encoding="utf-8").strip() for file in files}
    assert read == {text.strip() for text in texts}
