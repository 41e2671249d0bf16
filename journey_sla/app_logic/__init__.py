"""Everything the Streamlit app (app/) does besides drawing: warehouse access and the
relation names it reads (``warehouse``, ``data``), the monthly review's rules (``review``),
statistics (``stats``), wording (``wording``), charts (``charts``), the review download
(``review_download``), and the widgets every page shares (``sidebar``, ``ui``)."""
