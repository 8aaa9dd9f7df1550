"""Présentation : un long tableau est montré en entier dans le HTML (interactif) et gardé entier dans le classeur."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from politique_ville import formats, present
from politique_ville.figures import style
from politique_ville.present import tableaux


def _tableau(n):
    return pd.DataFrame({"Quartier": [f"Quartier {i}" for i in range(n)], "Valeur": [float(i) for i in range(n)]})


def test_tableau_sans_lignes_max_inchange(tmp_path):
    df = _tableau(250)
    chap = tableaux.Chapitre("test", tmp_path)
    html = chap.tableau(df, "Titre", {"Valeur": formats.nombre_fr}, note="Une note.").data
    assert html == (
        "<h4>Titre</h4>" + tableaux.tableau_html(df, {"Valeur": formats.nombre_fr}) + '<p class="note">Une note.</p>'
    )
    # en deçà de lignes_max : même HTML que sans l'argument
    court = _tableau(20)
    assert (
        chap.tableau(court, "Court", lignes_max=tableaux.LIGNES_HTML_MAX).data
        == tableaux.Chapitre("x", tmp_path).tableau(court, "Court").data
    )


def test_tableau_long_montre_toutes_les_lignes_et_garde_tout_dans_le_classeur(tmp_path):
    """``lignes_max`` (que des notebooks passent encore) ne coupe plus le HTML : les 250 lignes sont dans la page,
    sans phrase « Seules les … premières lignes », et le tableau est interactif."""
    df = _tableau(250)
    chap = tableaux.Chapitre("test", tmp_path)
    html = chap.tableau(df, "Long", {"Valeur": formats.nombre_fr}, note="Une note.", lignes_max=100).data
    assert (
        html
        == tableaux.Chapitre("x", tmp_path).tableau(df, "Long", {"Valeur": formats.nombre_fr}, note="Une note.").data
    )
    assert html.count("<tr>") == 1 + 250  # en-tête + toutes les lignes
    assert "Quartier 99<" in html and "Quartier 100<" in html and "Quartier 249<" in html
    assert "premières lignes" not in html and "Seule" not in html
    assert 'class="tableau tableau-interactif"' in html and html.endswith('<p class="note">Une note.</p>')
    assert not hasattr(present, "note_lignes_masquees")
    chap.classeur()
    ws = load_workbook(tmp_path / "tableaux" / "test.xlsx").active
    assert ws.max_row == 1 + 250 and ws.cell(251, 1).value == "Quartier 249"


@pytest.mark.parametrize("mauvais", [0, -3, 2.5, "10", True])
def test_lignes_max_invalide(tmp_path, mauvais):
    with pytest.raises(ValueError, match="lignes_max"):
        tableaux.Chapitre("test", tmp_path).tableau(_tableau(3), "T", lignes_max=mauvais)


def test_figure_en_png_quel_que_soit_le_moteur_de_matplotlib():
    """Avec le moteur « Agg » (MPLBACKEND=Agg sur un serveur), ``display(fig)`` n'afficherait que le texte
    « <Figure size …> » : ``image_figure`` donne toujours l'image PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["a", "b"], [1, 2])
    image = style.image_figure(fig)
    plt.close(fig)
    assert image.format == "png" and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "image/png" in image._repr_mimebundle_()[0]
    import io

    from PIL import Image

    with Image.open(io.BytesIO(image.data)) as png:  # une vraie figure dessinée, pas un texte ni une image vide
        assert png.width > 200 and png.height > 150 and len(png.convert("RGB").getcolors(1 << 16)) > 10


def test_texte_alternatif_de_chaque_figure():
    """Chaque figure porte un texte alternatif en français : son titre, ses axes, sa source."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.barh(["A", "B"], [1, 2])
    style.finir_figure(fig, ax, "Population des QPV", "Habitants", "Quartier", "INSEE 2019")
    image = style.image_figure(fig)
    plt.close(fig)
    alt = image.metadata["alt"]
    assert alt == (
        "Figure : Population des QPV. axe horizontal : Habitants ; axe vertical : Quartier. Source : INSEE 2019."
    )
    fig2, _ = plt.subplots()
    assert style.image_figure(fig2, alt="Carte des QPV").metadata["alt"] == "Carte des QPV"
    assert style.texte_alternatif(fig2) == "Figure sans titre."
    plt.close(fig2)


def test_sans_rapport_publie_les_colonnes_de_confrontation_vides_partent():
    """Une année sans rapport publié : un tableau de confrontation garde ce qui est calculé, perd les colonnes vides
    de valeur publiée, d'écart et de statut, et ne dit plus « recalculé »."""
    import pandas as pd

    from politique_ville.present.tableaux import sans_rapport

    df = pd.DataFrame(
        {
            "Chiffre du rapport": ["—", "—"],
            "Publié (projets)": [float("nan"), float("nan")],
            "Recalculé (projets)": [12, 10],
            "Écart (projets)": ["—", "—"],
            "Statut": ["non publié", "non publié"],
            "Base du recalcul": ["tableaux des porteurs", "programmation"],
        }
    )
    vue, titre = sans_rapport(df, "Projets déposés et retenus : chiffres publiés et recalculés")
    assert list(vue.columns) == ["Calculé (projets)", "Base du recalcul"] and titre == "Projets déposés et retenus"
    # une colonne « publiée » qui a des valeurs reste : rien n'est caché de ce que les données disent ; sans rapport
    # publié, ses valeurs viennent d'un fichier reçu, et son en-tête le dit
    df.loc[0, "Publié (projets)"] = 12
    assert "Reçu (projets)" in sans_rapport(df, "x")[0].columns


def test_sans_rapport_publie_une_valeur_dite_publiee_est_recue():
    from politique_ville.present.tableaux import colonne_sans_rapport

    assert colonne_sans_rapport("Montants CGET publiés (€)") == "Montants CGET reçus (€)"
    assert colonne_sans_rapport("Projets (en-tête publié)") == "Projets (en-tête reçu)"
    assert colonne_sans_rapport("Part publiée (%)") == "Part reçue (%)"
    assert colonne_sans_rapport("Graphie(s) du rapport") == "Graphie(s) reçue(s)"
    assert colonne_sans_rapport("Section du rapport") == "Section" and colonne_sans_rapport(3) == 3
