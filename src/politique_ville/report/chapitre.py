"""Ouverture d'un chapitre : l'unique appel de mise en place d'un notebook du rapport.

Chaque notebook commence par sa cellule ``parameters`` (``annee`` et ``execution``, injectés par papermill), puis ::

    ctx = ouvrir("20_programmation", annee, execution)

Les tables ouvertes sont celles que déclare l'étape dans la table des étapes (:mod:`politique_ville.reference.etapes`).

``ctx`` donne le catalogue (``ctx.cat``), les valeurs des paramètres de l'année (``ctx.params``), les tables
nettoyées demandées (``ctx.tables``, ``ctx["programmation"]``), les chiffres publiés de l'année (``ctx.chiffres``,
``ctx.ecarts`` ; tables vides pour une année sans rapport publié), le chapitre qui garde les tableaux pour le
classeur Excel (``ctx.chap``) et les gestes d'affichage (``ctx.md``, ``ctx.note``, ``ctx.montrer``).

Le runner transmet dans ``execution`` les dossiers de l'exécution et les *valeurs* des paramètres ; un notebook ouvert
à la main dans JupyterLab, sans ``execution``, les lit dans ``params/<annee>.yaml``. Ce module n'importe pas le runner.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from politique_ville.base.catalog import Catalogue, lire_traitees
from politique_ville.figures.style import image_figure, style_figures
from politique_ville.present.tableaux import Chapitre, colonne_sans_rapport, sans_rapport
from politique_ville.published.concordance import charger_reference
from politique_ville.reference.designation import designation
from politique_ville.reference.etapes import TOUT, declaration
from politique_ville.reference.parametres import catalogue_et_parametres, nom_territoire, territoire_du_referentiel
from politique_ville.reference.territoires import population_publiee_et_cog

COLONNES_CHIFFRES = ["id", "section", "libelle", "valeur", "unite", "tolerance", "citation", "calcul"]


def contenu_a_publier(objet) -> tuple[dict, dict] | None:
    """Le contenu (types MIME) et les métadonnées que le formateur d'IPython donnerait à ``objet``, pour les trois
    genres d'objets qu'affiche un chapitre (``HTML``, ``Markdown``, ``Image`` intégrée), construits directement ;
    ``None`` pour tout autre objet.

    À chaque ``display``, IPython interroge une dizaine de formateurs (texte, HTML, Markdown, SVG, PNG, JPEG, LaTeX,
    JSON, JavaScript, PDF…) pour un objet qui n'en a qu'un : ~0,25 ms de calcul du noyau par sortie, ~140 sorties par
    territoire d'un lot (chapitre 10 et fiches). Même contenu, mêmes métadonnées (vérifié par les tests)."""
    from IPython.display import HTML, Image, Markdown

    genre = type(objet)
    if genre is HTML or genre is Markdown:
        if objet.metadata:
            return None
        cle = "text/html" if genre is HTML else "text/markdown"
        return {"text/plain": f"<IPython.core.display.{genre.__name__} object>", cle: objet.data}, {}
    if genre is Image and objet.embed:
        donnees, metadonnees = objet._repr_mimebundle_()
        return {**donnees, "text/plain": "<IPython.core.display.Image object>"}, metadonnees or {}
    return None


def publier(objet) -> None:
    """``display(objet)``, son contenu construit directement quand c'est possible (:func:`contenu_a_publier`)."""
    from IPython.display import display

    contenu = contenu_a_publier(objet)
    if contenu is None:
        display(objet)
    else:
        display(contenu[0], raw=True, metadata=contenu[1])


@dataclass
class Contexte:
    """Ce dont un chapitre a besoin, une fois ouvert (voir :func:`ouvrir`)."""

    cle: str
    cat: Catalogue
    params: dict
    tables: dict[str, pd.DataFrame | None]
    chap: Chapitre
    execution: dict = field(default_factory=dict)  # ce que le runner a donné (vide : ouvert à la main)
    _reference: tuple | None = field(default=None, repr=False)

    @property
    def annee(self) -> int:
        return self.cat.annee

    def __getitem__(self, nom: str) -> pd.DataFrame | None:
        return self.tables[nom]

    @property
    def annees_anterieures(self) -> dict | None:
        """Années antérieures préparées par le runner (année -> dossier des tables) ; ``None`` ouvert à la main (elles
        sont alors cherchées par ``historique.charger``)."""
        return self.execution.get("annees_anterieures")

    @property
    def annees_ecartees(self) -> dict | None:
        """Années antérieures écartées par le runner, avec la raison ; ``None`` ouvert à la main."""
        return self.execution.get("annees_ecartees")

    @property
    def fichier_params(self) -> str | None:
        return self.execution.get("fichier_params")

    @property
    def territoire(self) -> str:
        return nom_territoire(self.params)  # territoire donné par son code : son nom (donné ou officiel)

    def population_officielle(self, population_retenue) -> dict | None:
        """Population retenue par le chapitre à côté de celle du Code officiel géographique, quand le territoire est
        désigné par son code (``reference.population_publiee_et_cog``) ; ``None`` sinon."""

        t = territoire_du_referentiel(self.params)
        return None if t is None else population_publiee_et_cog(t.niveau, t.code, population_retenue)

    @property
    def niveau_territoire(self) -> str:
        """« epci », « departement », « region » ou « france » pour un territoire désigné par son code ; « epci » pour
        un territoire donné par son seul nom (le cas d'une agglomération)."""
        valeur = self.params.get("territoire")
        return str(valeur.get("niveau") or "epci") if isinstance(valeur, dict) else "epci"

    def fichier_recu(self, table: str) -> str:
        """Le fichier brut reçu d'une table, relatif à la racine du projet quand il y est (« data/raw/2031/insee_qpv.csv »),
        nommé par les notes de provenance « reçu » ; « » s'il n'y en a pas."""
        try:
            chemin = self.cat.fichier_brut(table)
        except Exception:  # table sans fichier brut (reçue autrement) : rien à nommer
            return ""
        return str(chemin.relative_to(self.cat.racine)) if chemin.is_relative_to(self.cat.racine) else str(chemin)

    @property
    def designation(self):
        """Le territoire dans les phrases et les en-têtes (``designation.Designation``) : sa nature vient du Code
        officiel géographique quand il est désigné par son code (métropole, agglomération, département…)."""

        t = territoire_du_referentiel(self.params)
        return designation(self.niveau_territoire, t.type_epci if t is not None else None)

    @property
    def a_des_chiffres_publies(self) -> bool:
        return (self.cat.reference_dir / f"chiffres_publies_{self.annee}.csv").is_file()

    def _charger_reference(self):
        if self._reference is None:
            self._reference = charger_reference(self.cat)
        return self._reference

    @property
    def chiffres(self) -> pd.DataFrame:
        """Chiffres publiés de l'année (table vide s'il n'y a pas de rapport publié)."""
        return self._charger_reference()[0]

    @property
    def ecarts(self) -> pd.DataFrame:
        """Écarts documentés de l'année (table vide sinon)."""
        return self._charger_reference()[1]

    # ------------------------------------------------------------------------------------- affichage
    @staticmethod
    def md(texte: str) -> None:
        """Affiche un paragraphe (Markdown) ; rien si le texte est vide."""
        from IPython.display import Markdown

        if texte:
            publier(Markdown(texte))

    @staticmethod
    def note(texte: str) -> None:
        """Affiche une note (texte échappé) ; rien si le texte est vide."""
        from IPython.display import HTML

        if texte:
            publier(HTML(f'<p class="note">{html.escape(texte)}</p>'))

    @staticmethod
    def montrer(fig) -> None:
        """Affiche une figure en PNG (quel que soit le moteur de matplotlib) puis la ferme ; rien si ``None``."""
        if fig is None:
            return
        import matplotlib.pyplot as plt

        publier(image_figure(fig))
        plt.close(fig)

    def tableau(self, df: pd.DataFrame, titre: str, **options) -> None:
        """Affiche un tableau (gardé pour le classeur Excel du chapitre) : voir :meth:`present.tableaux.Chapitre.tableau`.
        Pour une année sans rapport publié, les colonnes vides de confrontation à un rapport ne sont pas montrées
        (:func:`present.tableaux.sans_rapport`)."""
        if not self.a_des_chiffres_publies:
            df, titre = sans_rapport(df, titre)
            if options.get("formats"):
                options["formats"] = {colonne_sans_rapport(k): v for k, v in options["formats"].items()}

        publier(self.chap.tableau(df, titre, **options))

    def afficher(self, blocs) -> None:
        """Affiche dans l'ordre une suite de blocs rendus par le paquet : un texte est un paragraphe (Markdown), un
        dictionnaire une vue de tableau (``ctx.tableau(**vue)``)."""
        for bloc in blocs:
            if isinstance(bloc, str):
                self.md(bloc)
            else:
                self.tableau(**bloc)

    def classeur(self) -> None:
        """Écrit le classeur Excel du chapitre et affiche son lien."""
        publier(self.chap.classeur())


def ouvrir(
    cle: str,
    annee: int,
    execution: dict | None = None,
    *,
    etape: str | None = None,
    figures: bool = True,
    sous_dossier: str | None = None,
) -> Contexte:
    """Met en place un chapitre : catalogue, paramètres, tables nettoyées, chapitre (classeur), style des figures.

    Les tables ouvertes sont celles que déclare l'étape ``etape`` (par défaut ``cle``) dans la table des étapes
    (:mod:`politique_ville.reference.etapes` : ``tables`` requises, ``facultatives`` lues si présentes) : un chapitre
    ne les nomme nulle part ailleurs. ``execution`` : ce que le runner donne au notebook (dossiers, valeurs des
    paramètres, années antérieures) ; ouvert à la main, sans lui, les paramètres sont lus dans ``params/<annee>.yaml``
    (à défaut, territoire d'essai sans fichier de paramètres : la seule année) et les sorties vont dans
    ``reports/brouillon/<annee>/``, jamais dans le rapport publié. ``sous_dossier`` : page écrite dans un
    sous-dossier du rapport (fiches quartier : ``quartiers``) ; son classeur va dans ``<sous_dossier>/tableaux/``."""
    decl = declaration(etape or cle)
    cat, parametres = catalogue_et_parametres(annee, execution, exiger=False)
    requises = () if decl.tables == TOUT else decl.tables
    t = lire_traitees(cat, *requises, facultatives=decl.facultatives) if (requises or decl.facultatives) else {}
    if figures:
        style_figures()
    return Contexte(
        cle=cle,
        cat=cat,
        params=dict(parametres),
        tables=t,
        chap=Chapitre(cle=cle, reports_dir=cat.reports_dir / sous_dossier if sous_dossier else cat.reports_dir),
        execution=dict(execution or {}),
    )
