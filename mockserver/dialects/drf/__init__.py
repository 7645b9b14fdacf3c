"""The Django REST framework dialect: serves a product's API at ``/api/`` from its contract. A product (the Hub:
``mockserver.hub``) registers its handlers and hooks on a :class:`~.product.Product` and binds it with
:class:`~.api.DrfApi`, the one module that speaks WSGI; behind it the :class:`~.pipeline.Pipeline` takes and
gives plain data."""
