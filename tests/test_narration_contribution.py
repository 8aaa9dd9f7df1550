"""Phrases du chapitre 3 et de l'annexe 1 (``narration.contribution``) et leurs tableaux affichés
(``present_programmation``) : chaque comparaison dans les deux sens, singulier et pluriel, chiffres non publiés ;
valeurs calculées à la main sur de petites tables."""

import math

import pandas as pd

from politique_ville.compute import contribution as ctb
from politique_ville.narration import contribution as narr
from politique_ville.present import programmation as pp

F = "\u202f"  # espace fine insécable des milliers
U = "\u00a0"  # espace insécable avant l'unité
NAN = math.nan


def _ligne(projets=96, porteurs=54, porteurs_publie=45.0, dc=717269.0, cs=1595490.0):
    return pd.Series(
        {
            "pilier": "Cohésion sociale",
            "projets": projets,
            "porteurs": porteurs,
            "porteurs_publie": porteurs_publie,
            "droit_commun": dc,
            "credits_specifiques": cs,
        }
    )


def _conf(groupes, mesures, publiees, recalculees, statuts, explications):
    return pd.DataFrame(
        {
            "groupe": groupes,
            "mesure": mesures,
            "valeur_publiee": publiees,
            "valeur_recalculee": recalculees,
            "statut": statuts,
            "explication": explications,
        }
    )


# --------------------------------------------------------------------------------------------- piliers et thématiques


def test_resume_groupe_porteurs_publies_differents():
    assert narr.resume_groupe(_ligne()) == (
        f"96 projets soutenus, 54 porteurs de projets (45 selon le rapport), 717{F}269{U}€ de subventions de droit "
        f"commun et 1{F}595{F}490{U}€ de crédits spécifiques Politique de la Ville."
    )


def test_resume_groupe_porteurs_egaux_ou_non_publies_et_singulier():
    egal = narr.resume_groupe(_ligne(porteurs_publie=54.0))
    assert egal.startswith("96 projets soutenus, 54 porteurs de projets, 717")
    assert "selon le rapport" not in narr.resume_groupe(_ligne(porteurs_publie=NAN))
    assert "selon le rapport" not in narr.resume_groupe(_ligne().drop("porteurs_publie"))
    un = narr.resume_groupe(_ligne(projets=1, porteurs=1, porteurs_publie=NAN, dc=0.0, cs=500.0))
    assert un == (
        f"1 projet soutenu, 1 porteur de projets, 0{U}€ de subventions de droit commun et 500{U}€ de "
        f"crédits spécifiques Politique de la Ville."
    )
    # moins de porteurs recalculés que publiés : cités aussi
    assert "(60 selon le rapport)" in narr.resume_groupe(_ligne(porteurs_publie=60.0))


def test_ecarts_du_groupe():
    conf = _conf(
        ["Education", "Education", "Education", "Santé"],
        ["porteurs", "projets", "droit_commun", "porteurs"],
        [13.0, 23.0, 295733.0, 12.0],
        [18.0, 23.0, 295000.0, 13.0],
        ["écart documenté", "identique", "écart non documenté", "écart documenté"],
        ["Les PRE sont attribués aux CCAS.", "", "", "Graphies."],
    )
    texte = narr.ecarts_du_groupe(conf, "Education")
    assert texte == (
        "> **Écart avec le rapport (porteurs de projets : 13 publié, 18 recalculé).** Les PRE sont attribués aux "
        "CCAS.\n\n"
        f"> **Écart avec le rapport (subventions droit commun : 295{F}733 publié, 295{F}000 recalculé).** Écart "
        f"non documenté."
    )
    assert narr.ecarts_du_groupe(conf, "Culture") == ""
    assert narr.ecarts_du_groupe(conf[conf["statut"] == "identique"], "Education") == ""


def test_priorites_sans_action():
    prio = pd.DataFrame({"priorite": [3, 8, 9], "actions": [4, 0, 2]})
    assert narr.priorites_sans_action(prio, 2019) == "Aucune action soutenue en 2019 au titre de la priorité 8."
    deux = prio.assign(actions=[0, 0, 2])
    assert narr.priorites_sans_action(deux, 2019) == "Aucune action soutenue en 2019 au titre des priorités 3 et 8."
    trois = prio.assign(actions=0)
    assert narr.priorites_sans_action(trois, 2020).endswith("des priorités 3, 8 et 9.")
    assert narr.priorites_sans_action(prio.assign(actions=1), 2019) == ""


def test_commentaires_priorites_et_tableau():
    prio = pd.DataFrame({"priorite": [8], "actions": [0]})
    conf = _conf(["Cohésion sociale"], ["priorites"], [3.0], [5.0], ["écart documenté"], ["Une de plus."])
    assert narr.commentaire_priorites(prio, conf, "Cohésion sociale", 2019) == (
        "> **Écart avec le rapport (priorités d'intervention retenues : 3 publié, 5 recalculé).** Une de plus."
        "\n\nAucune action soutenue en 2019 au titre de la priorité 8."
    )
    assert narr.commentaire_priorites(prio.assign(actions=2), conf.iloc[0:0], "Cohésion sociale", 2019) == ""
    tableau = narr.commentaire_tableau(_ligne(), conf.iloc[0:0], "Cohésion sociale")
    assert tableau == narr.resume_groupe(_ligne())


def test_bilan_concordance():
    def conf(identiques, ecarts):
        return pd.DataFrame({"statut": ["identique"] * identiques + ["écart documenté"] * ecarts})

    assert narr.bilan_concordance(conf(33, 3)) == (
        "33 chiffres publiés sur 36 sont recalculés à l'identique ; les 3 autres sont des écarts expliqués "
        "ci-dessous, thématique par thématique."
    )
    assert narr.bilan_concordance(conf(35, 1)) == (
        "35 chiffres publiés sur 36 sont recalculés à l'identique ; l'autre est un écart expliqué ci-dessous, "
        "thématique par thématique."
    )
    assert narr.bilan_concordance(conf(1, 2)).startswith("1 chiffre publié sur 3 est recalculé à l'identique ; les 2")
    assert narr.bilan_concordance(conf(36, 0)) == "Les 36 chiffres publiés sont tous recalculés à l'identique."
    assert narr.bilan_concordance(conf(1, 0)) == "Le chiffre publié est recalculé à l'identique."
    assert narr.bilan_concordance(conf(0, 4)).startswith("Aucun des 4 chiffres publiés n'est recalculé")
    assert narr.bilan_concordance(conf(0, 1)).startswith("Le chiffre publié n'est pas recalculé à l'identique")
    assert narr.bilan_concordance(conf(0, 0)) == ""  # aucun chiffre publié


def _pre(actions=8, communes=8):
    return pd.DataFrame(
        [
            {
                "actions": actions,
                "communes": communes,
                "cget": 400809.0,
                "cget_pilier": 1230586.0,
                "part_pilier": 400809 / 1230586 * 100,
            }
        ]
    )


def test_paragraphe_pre():
    chiffres = pd.DataFrame({"id": ["x"], "valeur": ["33"], "calcul": [narr.CALCUL_PART_PRE]})
    assert narr.paragraphe_pre(_pre(), chiffres) == (
        f"**Programmes de réussite éducative (PRE).** 8 communes disposent d'un PRE. Crédits de l'État (CGET) aux "
        f"PRE : 400{F}809{U}€, soit 32,6{U}% des crédits CGET du pilier cohésion sociale (1{F}230{F}586{U}€) ; le "
        f"rapport écrit « environ 33{U}% ». Montants CGET par action reconstruits ; leur total pour les PRE est "
        f"publié."
    )
    sans_publie = narr.paragraphe_pre(_pre(communes=1), chiffres.iloc[0:0])
    assert "1 commune dispose d'un PRE." in sans_publie and "le rapport écrit" not in sans_publie
    assert "le rapport écrit" not in narr.paragraphe_pre(_pre(), None)
    assert narr.paragraphe_pre(_pre(actions=0, communes=0), chiffres) == ""


def test_valeur_publiee_trouvee_par_son_expression_jamais_par_un_identifiant():
    chiffres = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "valeur": ["12.5", "", "7"],
            "calcul": ['somme("programmation", "cget")', 'nombre("porteurs")', 'somme("programmation","cget")'],
        }
    )
    assert narr.valeur_publiee(chiffres, "somme( 'programmation' , 'cget' )") == 12.5  # autre écriture, même calcul
    assert narr.valeur_publiee(chiffres, 'nombre("porteurs")') is None  # vide : non publié
    assert narr.valeur_publiee(chiffres, 'nombre("programmation")') is None  # absent du registre
    assert narr.valeur_publiee(None, 'somme("programmation", "cget")') is None
    assert narr.valeur_publiee(pd.DataFrame({"id": ["a"], "valeur": ["1"]}), "nombre('x')") is None


# --------------------------------------------------------------------------------------------- comparaison


def _comp():
    """Deux thématiques d'un pilier détaillé, un autre pilier, l'ensemble (valeurs à la main)."""
    comp = pd.DataFrame(
        {
            "groupe": ["Education", "Numérique", "Cadre de vie", "Ensemble"],
            "niveau": ["thematique", "thematique", "pilier", "ensemble"],
            "pilier_code": ["cs", "cs", "cv", ""],
            "pilier": ["Cohésion", "Cohésion", "Cadre de vie", ""],
            "projets": [4, 2, 2, 8],
            "porteurs": [3, 2, 2, 6],
            "droit_commun": [300.0, 0.0, 500.0, 800.0],
            "credits_specifiques": [600.0, 100.0, 250.0, 950.0],
            "actions_montants_reconstruits": [0, 0, 0, 0],
        }
    )
    return ctb.ajouter_ratios(comp)


def test_constats_comparaison():
    # effet levier : 0,5 ; 0 ; 2 ; ensemble 800/950 = 0,842… ; moyennes : 225 ; 50 ; 375 ; ensemble 1750/8 = 218,75
    assert narr.constats_comparaison(_comp()) == [
        f"Ensemble des deux piliers : 800{U}€ de droit commun pour 950{U}€ de crédits spécifiques, soit 0,84{U}€ "
        f"de droit commun pour 1 € de crédits spécifiques ; 219{U}€ en moyenne par projet soutenu.",
        f"Effet levier le plus fort : Cadre de vie (2,00{U}€ de droit commun pour 1 € de crédits spécifiques).",
        "Sans aucune subvention de droit commun : Numérique.",
        f"Montant moyen par projet le plus élevé : Cadre de vie (375{U}€).",
    ]
    assert narr.liste_constats(_comp()).startswith("- Ensemble des deux piliers")


def test_constats_comparaison_sans_droit_commun_nul_et_sans_credits():
    comp = _comp()
    comp.loc[comp["groupe"] == "Numérique", "droit_commun"] = 50.0
    constats = narr.constats_comparaison(ctb.ajouter_ratios(comp.drop(columns=["effet_levier", "moyenne_projet"])))
    assert not any(c.startswith("Sans aucune") for c in constats)
    sans_credits = _comp().assign(credits_specifiques=0.0)
    constats = narr.constats_comparaison(ctb.ajouter_ratios(sans_credits))
    assert len(constats) == 1 and constats[0].startswith("Ensemble des deux piliers")  # effet levier manquant


def _prog_fdr():
    prog = pd.DataFrame(
        {"pilier_code": ["cs", "cs", "cv", "pilotage"], "pilier": ["Cohésion", "Cohésion", "Cadre de vie", "Pilotage"]}
    )
    fdr = pd.DataFrame({"priorite": [1, 2, 3], "pilier_code": ["cs", "cs", "cv"]})
    return prog, fdr


def test_note_comparaison_lignes_hors_piliers():
    prog, fdr = _prog_fdr()
    comp = _comp().assign(projets=[1, 1, 1, 3])
    assert narr.note_comparaison(comp, prog, fdr) == (
        "Ratios calculés sur les totaux publiés des tableaux du chapitre 3. « Ensemble » : les 3 projets des deux "
        "piliers, porteurs comptés une fois ; hors piliers du contrat de ville, non compté : Pilotage (1 ligne)."
    )
    deux = pd.concat([prog, prog.iloc[[3]]], ignore_index=True)
    assert narr.note_comparaison(comp, deux, fdr).endswith("non compté : Pilotage (2 lignes).")
    assert narr.note_comparaison(comp, prog.iloc[:3], fdr).endswith("porteurs comptés une fois.")
    trois = pd.DataFrame({"priorite": [1, 2, 3], "pilier_code": ["a", "b", "c"]})
    un_projet = _comp().assign(projets=[1, 0, 0, 1])
    assert "« Ensemble » : le 1 projet des trois piliers" in narr.note_comparaison(un_projet, prog, trois)


def test_alerte_credits_specifiques():
    chiffres = pd.DataFrame({"id": ["x"], "valeur": ["900"], "calcul": [narr.CALCUL_CGET_PROGRAMMATION]})
    assert narr.alerte_credits_specifiques(_comp(), chiffres) == (
        f"*Attention :* le total des crédits spécifiques des tableaux du chapitre 3 (950{U}€) n'est pas égal aux "
        f"crédits CGET de la programmation publiés en section 2.1 (900{U}€) : le rapport emploie plusieurs totaux de "
        f"crédits spécifiques (voir le chapitre 2 et la concordance)."
    )
    assert "(1" in narr.alerte_credits_specifiques(_comp(), chiffres.assign(valeur="1000"))  # moins : signalé aussi
    assert narr.alerte_credits_specifiques(_comp(), chiffres.assign(valeur="950")) == ""  # égal
    assert narr.alerte_credits_specifiques(_comp(), chiffres.iloc[0:0]) == ""  # non publié


# --------------------------------------------------------------------------------------------- annexe 1


def _grille(nombres=(3, 0, 2, 1), priorites=(1, 1, 2, None)):
    return pd.DataFrame(
        {
            "priorite": pd.array(list(priorites), dtype="Int64"),
            "libelle_priorite": ["Emploi des jeunes", "Emploi des jeunes", "Santé", "Hors priorités"],
            "sous_priorite": ["1.1", "1.2", "2.1", ""],
            "libelle_sous_priorite": ["Insertion", "Mobilité", "Prévention", "Pilotage"],
            "pilier": ["Emploi", "Emploi", "Cohésion", "Pilotage"],
            "nombre_actions": list(nombres),
            "actions": ["a ; b ; c", "", "d ; e", "f"],
        }
    )


def test_resume_grille():
    assert narr.resume_grille(_grille(), 6) == (
        "**6 actions** placées dans la grille, pour 6 lignes de programmation ; 2 cases de la feuille de route ont "
        "au moins une action, 1 n'en a aucune."
    )
    assert narr.resume_grille(_grille(nombres=(1, 0, 0, 0)), 1) == (
        "**1 action** placée dans la grille, pour 1 ligne de programmation ; 1 case de la feuille de route a au "
        "moins une action, 2 n'en ont aucune."
    )
    assert narr.resume_grille(_grille(nombres=(1, 1, 1, 0)), 3).endswith(
        "3 cases de la feuille de route ont au moins une action, aucune n'en est dépourvue."
    )


def test_intro_et_titre_priorite():
    g = _grille()
    assert narr.intro_priorite(g[g["priorite"] == 1]) == "Pilier : Emploi ; 3 actions."
    assert narr.intro_priorite(g[g["priorite"] == 2].assign(nombre_actions=1)) == "Pilier : Cohésion ; 1 action."
    assert narr.intro_priorite(g[g["priorite"] == 2].assign(nombre_actions=0)) == "Pilier : Cohésion ; aucune action."
    assert narr.titre_priorite(g[g["priorite"] == 1]) == "Priorité 1 — Emploi des jeunes"


def test_vues_grille_et_matrice():
    g = _grille()
    vue = pp.vue_grille(g)
    assert vue["Sous-priorité"].tolist() == ["1.1", "1.2", "2.1", "—"]
    matrice = pd.DataFrame(
        {".1": [3.0, 2.0, NAN], ".2": [0.0, NAN, NAN], "sans sous-priorité": [NAN, NAN, 1.0]},
        index=["Priorité 1", "Priorité 2", "Hors priorités"],
    )
    m = pp.vue_matrice(matrice, g)
    assert list(m.columns) == [
        "Priorité",
        "Intitulé de la priorité",
        "Sous-priorité .1",
        "Sous-priorité .2",
        "Sans sous-priorité",
        "Total",
    ]
    assert m["Priorité"].tolist() == ["1", "2", "Hors priorités"]
    assert m["Intitulé de la priorité"].tolist() == ["Emploi des jeunes", "Santé", "Pilotage"]
    assert m["Total"].tolist() == [3.0, 2.0, 1.0]
    f = pp.formats_matrice(m)
    assert set(f) == {"Sous-priorité .1", "Sous-priorité .2", "Sans sous-priorité", "Total"}
    assert f["Sous-priorité .2"](NAN) == "—"  # sous-priorité inexistante
    assert pp.libelles_matrice(g) == {
        "Priorité 1": "1. Emploi des jeunes",
        "Priorité 2": "2. Santé",
        "Hors priorités": "Hors priorités (Pilotage)",
    }
    assert "Hors priorités" not in pp.libelles_matrice(g[g["priorite"].notna()])


def test_vue_tableau_et_formats_contribution():
    tab = pd.DataFrame(
        {
            "pilier": ["Cohésion sociale"],
            "projets": [96],
            "porteurs": [54],
            "porteurs_publie": [45.0],
            "droit_commun": [717269.0],
            "credits_specifiques": [1595490.0],
            "concordance": ["écart documenté : porteurs de projets"],
        }
    )
    vue = pp.vue_tableau(tab, "pilier")
    assert list(vue.columns)[:3] == ["Pilier", pp.COL_PROJETS, pp.COL_PORTEURS]
    f = pp.formats_contribution()
    assert f[pp.COL_LEVIER](0.566) == f"0,57{U}€"
    assert f[pp.COL_DC](vue[pp.COL_DC].iloc[0]) == f"717{F}269{U}€"
    assert pp.vue_tableau(tab.rename(columns={"pilier": "thematique"}), "thematique").columns[0] == "Thématique"


def test_vue_actions_et_hors_grille():
    actions = pd.DataFrame(
        {
            "rubrique": ["1.1 Insertion", "Priorité 2, sans sous-priorité"],
            "sous_priorite_inferee": [True, False],
            "intitule": ["A", "B"],
            "porteur": ["P", "Q"],
            "communes": ["X", "Y"],
            "droit_commun": [10.0, NAN],
            "credits_specifiques": [5.0, 1.0],
            "provenance_montants": ["reconstruit", "publié"],
        }
    )
    assert pp.vue_actions(actions)["Priorité / sous-priorité"].tolist() == [
        "1.1 Insertion (déduite)",
        "Priorité 2, sans sous-priorité",
    ]
    placees = pd.DataFrame(
        {
            "sous_priorite": ["", "", "1.1"],
            "priorite": pd.array([2, None, 1], dtype="Int64"),
            "thematique": ["Santé", "Pilotage", "Emploi"],
            "intitule": ["B", "C", "A"],
            "porteur": ["Q", "R", "P"],
            "communes": ["Y", "Z", "X"],
            "ligne_reconstruite": [False, True, False],
        }
    )
    hors = pp.vue_hors_grille(placees)
    assert hors["Rattachement"].tolist() == ["Priorité 2, sans sous-priorité", "Hors priorités de la feuille de route"]
    assert hors["Origine de la ligne"].tolist() == [
        "listée par le rapport",
        "reconstruite (absente des listes du rapport)",
    ]


def test_publie_ou_reconstruit_suit_la_provenance_des_montants():
    reconstruits = pd.DataFrame({"provenance_credits_specifiques": ["reconstruit", "publié"]})
    assert narr.publie_ou_reconstruit(reconstruits).startswith("**Publié ou reconstruit.**")
    assert "*reconstruits*" in narr.publie_ou_reconstruit(reconstruits)
    recus = pd.DataFrame({"provenance_credits_specifiques": ["publié", "publié"]})
    assert narr.publie_ou_reconstruit(recus).startswith("**Montants.** Les montants par action sont ceux de la")
    assert "reconstruit" not in narr.publie_ou_reconstruit(pd.DataFrame({"credits_specifiques": [1.0]}))


def test_notes_des_actions_suivent_les_donnees():
    """Pas de « montants reconstruits » ni de « sous-priorité déduite » pour des montants et des classements reçus."""
    reconstruits = pd.DataFrame({"provenance_credits_specifiques": ["reconstruit"]})
    assert narr.note_actions(reconstruits) == narr.NOTE_ACTIONS
    assert narr.note_actions(pd.DataFrame({"provenance_credits_specifiques": ["publié"]})) is None
    deux = pd.DataFrame({"sous_priorite_inferee": [True, True, False]})
    assert narr.sous_priorites_deduites(deux) == (
        "Le rapport ne classe pas 2 actions de ce pilier par sous-priorité : leur sous-priorité est déduite de l'ordre "
        "des colonnes de la grille de l'annexe 1 (mention « déduite »)."
    )
    assert "pas 1 action de ce pilier" in narr.sous_priorites_deduites(deux.iloc[1:])
    assert narr.sous_priorites_deduites(deux.assign(sous_priorite_inferee=False)) == ""
