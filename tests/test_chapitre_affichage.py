"""Ce qu'un chapitre affiche : les sorties construites directement (sans le formateur d'IPython) sont celles que
``display`` produirait, contenu et métadonnées."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.display import HTML, Image, Markdown, display  # noqa: E402
from IPython.utils.capture import capture_output  # noqa: E402

from politique_ville.figures.style import image_figure  # noqa: E402
from politique_ville.report.chapitre import Contexte, contenu_a_publier, publier  # noqa: E402


@pytest.fixture(scope="module")
def shell():
    return InteractiveShell.instance()


def _png():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.barh([0, 1], [3, 5])
    image = image_figure(fig, alt="Deux barres")
    plt.close(fig)
    return image


def _sorties(geste):
    with capture_output() as capture:
        geste()
    return [(o.data, o.metadata) for o in capture.outputs]


@pytest.mark.parametrize(
    "objet",
    [
        HTML('<p class="note">Une note « échappée » &amp; accentuée</p>'),
        Markdown("## Titre\n\nUn paragraphe **gras**, 35,3 %."),
        "image",
    ],
    ids=["html", "markdown", "image"],
)
def test_meme_contenu_que_le_formateur(shell, objet):
    objet = _png() if objet == "image" else objet
    attendu = shell.display_formatter.format(objet)
    assert contenu_a_publier(objet) == attendu
    assert _sorties(lambda: publier(objet)) == _sorties(lambda: display(objet))


def test_les_autres_objets_passent_par_display(shell):
    # des métadonnées propres, un DataFrame : le formateur d'IPython, tel quel
    import pandas as pd

    for objet in (HTML("<p>x</p>", metadata={"isolated": True}), pd.DataFrame({"a": [1, 2]})):
        assert contenu_a_publier(objet) is None
        assert _sorties(lambda o=objet: publier(o)) == _sorties(lambda o=objet: display(o))
    image_liee = Image(url="https://exemple.invalid/figure.png", embed=False)
    assert contenu_a_publier(image_liee) is None


def test_gestes_du_contexte(shell):
    # ctx.md, ctx.note et ctx.montrer publient ce que display publierait ; un texte vide : rien
    import matplotlib.pyplot as plt

    assert _sorties(lambda: Contexte.md("Un **paragraphe**.")) == _sorties(
        lambda: display(Markdown("Un **paragraphe**."))
    )
    assert _sorties(lambda: Contexte.note("5 < 6 & « note »")) == _sorties(
        lambda: display(HTML('<p class="note">5 &lt; 6 &amp; « note »</p>'))
    )
    assert _sorties(lambda: Contexte.md("")) == [] and _sorties(lambda: Contexte.note("")) == []
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [1, 0])
    (sortie,) = _sorties(lambda: Contexte.montrer(fig))
    assert set(sortie[0]) == {"image/png", "text/plain"} and sortie[1]["image/png"]["alt"]
    assert not plt.fignum_exists(fig.number)  # la figure est fermée
