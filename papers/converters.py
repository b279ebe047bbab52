"""URL converters."""


class NoteSlugConverter:
    """A paper or topic slug: any path segment, since real slugs hold non-ASCII letters.

    NUL and other control characters are refused here (a 404), before they can reach a
    database that would reject them.
    """

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
