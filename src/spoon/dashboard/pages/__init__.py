"""The dashboard's pages, one module each, each with `render(ctx)`.

`dashboard/views/<page>.py` (the Streamlit page files) hand their page's `render` to
`spoon.dashboard.shell.show`, which gives it the sidebar's `Context`.
"""
