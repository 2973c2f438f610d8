"""``vmdebug web``: a picture of the process in the browser.

The server (:mod:`vmdebug.web.app`) holds one :class:`vmdebug.debugger.session.Debugger`
over the session and answers a JSON API (:mod:`vmdebug.web.snapshot`, :mod:`vmdebug.web.paging`,
:mod:`vmdebug.web.marks`) built from the debugger's own views, so the page never says
anything ``vmdebug debug`` would not.  The page itself is static (``static/``): no build
step, no CDN, it works offline.  Nothing here re-executes the program: every answer folds
the log.  See docs/web.md.
"""
