"""Phrases du chapitre 2 (``narration.programmation``) et tableaux affichés (``present_programmation``) : chaque
comparaison dans les deux sens (plus / moins / égal / non publié), singulier et pluriel, signes, tables absentes ;
valeurs calculées à la main sur de petites tables."""

import math

import pandas as pd
import pytest

from politique_ville import formats
from politique_ville.narration import programmation as narr
from politique_ville.present import programmation as pp

F = "\u202f"  # espace fine insécable des milliers
U = "\u00a0"  # espace insécable avant l'unité
NAN = math.nan


def _conf(**colonnes):
    """Petite confrontation : colonnes données, ``explication`` vide par défaut."""
    df = pd.DataFrame(colonnes)
    if "explication" not in df:
        df["explication"] = ""
    return df


# --------------------------------------------------------------------------------------------- écritures


def test_accord_singulier_pluriel():
    assert narr.accord(0, "projet") == "0 projet"
    assert narr.accord(1, "projet") == "1 projet"
    assert narr.accord(2, "projet") == "2 projets"
    assert narr.accord(1234, "projet") == f"1{F}234 projets"
    assert narr.accord(1, "porteur distinct", "porteurs distincts") == "1 porteur distinct"
    assert narr.accord(3.0, "porteur distinct", "porteurs distincts") == "3 porteurs distincts"


def test_signes_et_formats():
    assert formats.signe(2) == "+2"
    assert formats.signe(-4.3) == "−4,3"
    assert formats.signe(0) == "0"
    assert formats.signe(NAN) == "—"
    assert formats.signe(1500) == f"+1{F}500"
    assert formats.signe_pct(12.5) == f"+12,5{U}%"
    assert formats.signe_pct(-3) == f"−3,0{U}%"
    assert formats.signe_euros(1200) == f"+1{F}200{U}€"
    assert formats.signe_euros(-35) == f"−35{U}€"
    assert formats.auto(4.0) == "4" and formats.auto(4.25) == "4,3"
    assert [formats.oui_non(v) for v in (True, False, None, NAN)] == ["oui", "non", "—", "—"]
    assert pp.statut_fr("écart documenté") == "écart documenté"
    assert pp.statut_fr("inconnu") == "inconnu"


# --------------------------------------------------------------------------------------------- explications


def test_explications_sans_repetition_ni_identiques():
    conf = _conf(
        statut=["identique", "écart documenté", "écart documenté", "écart non expliqué", "non publié"],
        explication=["ignorée", "Raison A.", "Raison A.", "Raison B.", ""],
    )
    assert narr.liste_explications(conf) == ["Raison A.", "Raison B."]
    assert narr.explications(conf) == "- Raison A.\n- Raison B."
    assert narr.explications(_conf(statut=["identique", "non publié"])) == ""


# --------------------------------------------------------------------------------------------- 2.1 projets


def _cget(total=1712989.0):
    return pd.DataFrame({"rubrique_code": ["cohesion_sociale", "total"], "valeur_recalculee": [1000.0, total]})


def _projets(accompagnes_publie=129.0, actions=131.0):
    return _conf(
        id=["x1", "x2"],
        calcul=[narr.CALCUL_PROJETS_DEPOSES, narr.CALCUL_PROJETS_RETENUS],
        valeur_recalculee=[153.0, actions],
        valeur_publiee=[153.0, accompagnes_publie],
        statut=["identique", "écart documenté"],
    )


def _fcs(annee=2019, montant=150000.0):
    return pd.DataFrame({"annee": [annee], "montant": [montant]})


def test_points_cles_publie_et_fcs():
    texte = narr.points_cles(_cget(), _projets(), _fcs(), 2019)
    assert texte == (
        f"- **1{F}712{F}989{U}€** de crédits CGET (État) ont été mobilisés pour la programmation 2019 du contrat de "
        f"ville, pour **131 actions** retenues dans la programmation détaillée (le rapport écrit « 129 projets » : "
        f"voir ci-dessous).\n"
        f"- **150{F}000{U}€** ont été attribués par l'agglomération au titre de son Fonds de Cohésion Sociale "
        f"(conseils citoyens, associations de quartier, qualification des acteurs)."
    )


def test_points_cles_non_publie_singulier_et_sans_fcs_de_l_annee():
    texte = narr.points_cles(_cget(500.0), _projets(accompagnes_publie=NAN, actions=1.0), _fcs(annee=2018), 2019)
    assert texte == (
        f"- **500{U}€** de crédits CGET (État) ont été mobilisés pour la programmation 2019 du contrat "
        f"de ville, pour **1 action** retenue dans la programmation détaillée."
    )
    # index « id » (comme après set_index) : même phrase
    assert narr.points_cles(_cget(), _projets().set_index("id"), _fcs(), 2019) == narr.points_cles(
        _cget(), _projets(), _fcs(), 2019
    )


def test_projets_retenus_contradictoires():
    projets = _conf(
        id=["x", "a", "b", "c"],
        calcul=[narr.CALCUL_PROJETS_DEPOSES] + [narr.CALCUL_PROJETS_RETENUS] * 3,
        valeur_publiee=[153.0, 129.0, 127.0, 129.0],
        valeur_recalculee=[153.0, 131.0, 131.0, 131.0],
        statut=["identique", "écart documenté", "écart documenté", "écart documenté"],
        explication=["", "Le rapport compte autrement.", "", ""],
    )
    assert narr.projets_retenus_contradictoires(projets) == (
        "Le rapport se contredit : il annonce successivement 129 projets retenus puis 127 projets retenus, alors que "
        "la programmation détaillée compte 131 actions. Explications :"
    )
    # sans explication documentée : la phrase se termine par un point
    sans = projets.assign(explication="")
    assert narr.projets_retenus_contradictoires(sans).endswith("compte 131 actions.")
    # singulier
    un = projets.assign(valeur_publiee=[153.0, 1.0, 2.0, NAN], valeur_recalculee=[153.0, 1.0, 1.0, 1.0])
    assert (
        "2 projets retenus puis 1 projet retenu, alors que la programmation détaillée compte 1 action."
        in narr.projets_retenus_contradictoires(un.assign(explication=""))
    )


def test_projets_retenus_un_seul_nombre_publie_pas_de_contradiction():
    meme = _conf(
        id=["x", "a", "b"],
        calcul=[narr.CALCUL_PROJETS_DEPOSES] + [narr.CALCUL_PROJETS_RETENUS] * 2,
        valeur_publiee=[153.0, 129.0, 129.0],
        valeur_recalculee=[153.0, 131.0, 131.0],
        statut=["identique"] * 3,
    )
    assert narr.projets_retenus_contradictoires(meme) == ""  # les projets déposés ne comptent pas
    non_publies = meme.assign(valeur_publiee=[153.0, NAN, NAN])
    assert narr.projets_retenus_contradictoires(non_publies) == ""


def _piliers(publies, statuts, explication=""):
    return _conf(
        pilier_code=["emploi", "cohesion_sociale", "total"],
        pilier=["Emploi", "Cohésion sociale", "Total"],
        valeur_publiee=publies,
        valeur_recalculee=[24.0, 96.0, 120.0],
        statut=statuts,
        explication=[explication] * 3,
    )


def test_repartition_piliers_ecart_egal_non_publie():
    ecart = _piliers([25.0, 87.0, 112.0], ["écart documenté"] * 3, "Listes du chapitre 3.")
    assert narr.repartition_piliers(ecart) == (
        "La section 2.1 répartit les projets ainsi : Emploi 25, Cohésion sociale 87. Les listes d'actions du "
        "chapitre 3 et la grille de l'annexe donnent 24, 96 : c'est cette répartition détaillée, action par action, "
        "que suivent les données. Explications :"
    )
    egal = _piliers([24.0, 96.0, 120.0], ["identique"] * 3)
    assert narr.repartition_piliers(egal) == (
        "La section 2.1 répartit les projets ainsi : Emploi 24, Cohésion sociale 96 : les actions de la "
        "programmation donnent exactement la même répartition."
    )
    non_publie = _piliers([NAN, NAN, NAN], ["non publié"] * 3)
    assert narr.repartition_piliers(non_publie) == (
        "Actions de la programmation par pilier : Emploi 24, Cohésion sociale 96."
    )
    assert narr.repartition_piliers(non_publie[non_publie["pilier_code"] == "total"]) == ""


# --------------------------------------------------------------------------------------------- 2.1 financement


def _fin(parts, montant_cget=1712989.0, part_des_montants=31.0):
    n = len(parts)
    return pd.DataFrame(
        {
            "financeur": ["Etat - CGET"] + [f"F{i}" for i in range(1, n)],
            "part_publiee": parts,
            "montant_publie": [montant_cget] + [NAN] * (n - 1),
            "part_des_montants": [part_des_montants] + [NAN] * (n - 1),
            "note": ["", "* droit commun : estimation"] + [""] * (n - 2),
        }
    )


def _controles(explication=""):
    return _conf(
        valeur_recalculee=[5530289.0, 109.2], statut=["identique", "écart documenté"], explication=["", explication]
    )


def test_parts_financeurs_plus_de_100_et_part_cget_differente():
    texte = narr.parts_financeurs(_fin([35.3, 73.9]), _controles("Parts arrondies."))
    assert texte == (
        f"Les parts publiées totalisent **109,2{U}%**, et non 100 % : la répartition ne peut pas être un partage "
        f"exact du montant total. La part de l'État (CGET) publiée, 35,3{U}%, ne correspond pas non plus aux "
        f"montants publiés : 1{F}712{F}989{U}€ rapportés au total de 5{F}530{F}289{U}€ font **31,0{U}%**. "
        f"Explications :"
    )


def test_parts_financeurs_moins_de_100_sans_explication():
    texte = narr.parts_financeurs(_fin([35.3, 60.0]), _controles())
    assert texte.startswith(f"Les parts publiées totalisent **95,3{U}%**, et non 100 %")
    assert not texte.endswith("Explications :")


def test_parts_financeurs_egales_a_100_et_part_cget_concordante():
    texte = narr.parts_financeurs(_fin([31.0, 69.0]), _controles())
    assert texte == (
        f"Les parts publiées totalisent **100,0{U}%** : elles partagent exactement le montant total. La part de "
        f"l'État (CGET) publiée, 31,0{U}%, correspond aux montants publiés : 1{F}712{F}989{U}€ rapportés au total "
        f"de 5{F}530{F}289{U}€ font **31,0{U}%**."
    )
    # 100 % mais part différente : « ne correspond pas » sans « non plus »
    assert "ne correspond pas aux montants publiés" in narr.parts_financeurs(_fin([35.3, 64.7]), _controles())


def test_parts_financeurs_sans_montant_publie_ni_parts():
    sans_montant = _fin([35.3, 73.9]).assign(montant_publie=NAN)
    assert narr.parts_financeurs(sans_montant, _controles()) == (
        f"Les parts publiées totalisent **109,2{U}%**, et non 100 % : la répartition ne peut pas être un partage "
        f"exact du montant total."
    )
    assert narr.parts_financeurs(_fin([NAN, NAN]), _controles()) == ""
    autre = _fin([20.0, 80.0]).assign(financeur=["Région", "F1"], part_des_montants=[20.0, NAN])
    assert "La part de « Région » publiée, 20,0" in narr.parts_financeurs(autre, _controles())


def test_notes_financeurs():
    assert narr.notes_financeurs(_fin([35.3, 73.9])) == "- * droit commun : estimation"
    assert narr.notes_financeurs(_fin([35.3, 73.9]).assign(note="  ")) == ""


def test_note_cget_selon_les_statuts():
    debut = "Les montants par action sont reconstruits"
    identiques = narr.note_cget(_conf(statut=["identique", "identique"]))
    assert identiques.startswith(debut) and identiques.endswith("; elles redonnent exactement chaque montant publié.")
    mixte = narr.note_cget(_conf(statut=["identique", "non publié"]))
    assert mixte.endswith("; elles redonnent exactement chaque montant publié.")
    assert narr.note_cget(_conf(statut=["identique", "écart documenté"])).endswith("; voir les écarts ci-dessous.")
    assert narr.note_cget(_conf(statut=["non publié", "non publié"])).endswith(
        "; le rapport de l'année n'en publie aucune."
    )


# --------------------------------------------------------------------------------------------- 2.1 porteurs


def _synth(projets=153.0, lignes=81, porteurs=77, montant=1928379.0):
    return pd.DataFrame(
        {
            "tableau": ["Associations", "Ensemble"],
            "projets": [88.0, projets],
            "lignes": [40, lignes],
            "porteurs_distincts": [38, porteurs],
            "montant_cget": [760351.0, montant],
        }
    )


def test_synthese_porteurs_plus_moins_autant():
    plus = narr.synthese_porteurs(_synth(), 1712989.0)
    assert plus == (
        f"Les deux tableaux totalisent **153 projets déposés** (81 lignes, 77 porteurs distincts une fois les "
        f"graphies rapprochées). Leurs en-têtes attribuent 1{F}928{F}379{U}€ de crédits CGET, plus que les "
        f"1{F}712{F}989{U}€ de crédits CGET de la programmation."
    )
    assert f"1{F}928{F}379{U}€ de crédits CGET, moins que les 2{F}000{F}000{U}€" in narr.synthese_porteurs(
        _synth(), 2000000.0
    )
    assert "autant que les" in narr.synthese_porteurs(_synth(), 1928379.0)


def test_synthese_porteurs_singulier_et_montant_non_publie():
    texte = narr.synthese_porteurs(_synth(projets=1.0, lignes=1, porteurs=1, montant=NAN), 1000.0)
    assert texte == (
        "Les deux tableaux totalisent **1 projet déposé** (1 ligne, 1 porteur distinct une fois les "
        "graphies rapprochées)."
    )
    assert narr.synthese_porteurs(_synth().iloc[:1], 1000.0) == ""  # pas de ligne « Ensemble »


def test_ecarts_porteurs():
    debut = "Les montants CGET des en-têtes des tableaux des porteurs ne se retrouvent pas dans la programmation"
    assert narr.ecarts_porteurs(_conf(statut=["identique", "identique"])) == ""
    assert narr.ecarts_porteurs(_conf(statut=["non publié", "non publié"])) == ""
    avec = _conf(statut=["écart documenté", "identique"], explication=["Autre total.", ""])
    assert narr.ecarts_porteurs(avec) == debut + ". Explications :"
    assert narr.ecarts_porteurs(_conf(statut=["écart non expliqué"])) == debut + "."


def test_note_tableau_porteurs_singulier_pluriel():
    un = pd.DataFrame({"porteur": ["A"], "projets": [1]})
    assert narr.note_tableau_porteurs(un).startswith("1 porteur, 1 projet. Un porteur cité")
    trois = pd.DataFrame({"porteur": ["A", "B", "C"], "projets": [2, 2, 1]})
    assert narr.note_tableau_porteurs(trois).startswith("3 porteurs, 5 projets.")


# --------------------------------------------------------------------------------------------- 2.2 indicateurs


def _serie(valeurs, unite="séances", action="Nager", indicateur="séances", annees=(2017, 2018, 2019)):
    v = pd.Series(valeurs, dtype=float)
    absolue = v - v.shift(1)
    relative = absolue / v.shift(1).abs() * 100
    relative[v.shift(1) == 0] = NAN
    return pd.DataFrame(
        {
            "action": action,
            "indicateur": indicateur,
            "unite": unite,
            "annee": list(annees),
            "valeur_num": v,
            "variation_absolue": absolue,
            "variation_relative": relative,
        }
    )


def test_commentaire_serie_hausse_puis_baisse():
    assert narr.commentaire_serie(_serie([10, 12, 9])) == (
        f"- **Nager**, séances : 10 (2017) → 12 (2018) → 9 (2019) ; soit +2 (+20,0{U}%) puis −3 (−25,0{U}%)."
    )


def test_commentaire_serie_en_points_stable_et_depart_nul():
    pct = _serie([50, 45], unite="%", annees=(2018, 2019))
    assert narr.commentaire_serie(pct) == f"- **Nager**, séances : 50{U}% (2018) → 45{U}% (2019) ; soit −5 points."
    stable = _serie([7, 7], annees=(2018, 2019))
    assert narr.commentaire_serie(stable).endswith(f"soit +0 (+0,0{U}%).")
    depart_nul = _serie([0, 4], annees=(2018, 2019))  # évolution relative impossible
    assert narr.commentaire_serie(depart_nul).endswith("; soit +4.")
    seule = _serie([5], annees=(2019,))
    assert narr.commentaire_serie(seule) == "- **Nager**, séances : 5 (2019)."


def test_commentaires_et_series_non_illustrees():
    a, b = _serie([1, 2], annees=(2018, 2019)), _serie([3, 4], indicateur="enfants", annees=(2018, 2019))
    series = pd.concat([a, b], ignore_index=True)
    assert narr.commentaires_evolutions(series).count("\n") == 1
    assert narr.series_non_illustrees(series, series) == ""
    texte = narr.series_non_illustrees(series, a)
    assert texte.startswith(
        "Seul 1 des 2 indicateurs suivis sur plusieurs années est commenté ci-dessus et "
        "illustré ci-dessous : ceux qui sont suivis"
    )
    huit = pd.concat([_serie([1, 2], indicateur=f"i{i}", annees=(2018, 2019)) for i in range(8)], ignore_index=True)
    deux = huit[huit["indicateur"].isin(["i0", "i1"])]
    assert narr.series_non_illustrees(huit, deux).startswith(
        "Seuls 2 des 8 indicateurs suivis sur plusieurs années sont commentés ci-dessus et illustrés ci-dessous"
    )


# --------------------------------------------------------------------------------------------- 2.3 et 2.4


def test_regle_fonds_concours():
    fdc = pd.DataFrame({"taux": [NAN, 40.0], "plafond": [NAN, 70000.0]})
    assert narr.regle_fonds_concours(fdc) == (
        f"Règle publiée : **40{U}% des dépenses éligibles**, fonds de concours plafonné à **70{F}000{U}€**. Elle est "
        f"vérifiée ci-dessous opération par opération, en appliquant le taux au montant de l'opération publié."
    )
    sans_plafond = narr.regle_fonds_concours(fdc.assign(plafond=NAN))
    assert sans_plafond.startswith(f"Règle publiée : **40{U}% des dépenses éligibles**. Elle est vérifiée")
    assert narr.regle_fonds_concours(fdc.assign(taux=NAN)) == ""


def _iti(projets, total, par_projet=NAN):
    return pd.DataFrame(
        {
            "axe": ["4c", "Ensemble"],
            "projets": [projets, projets],
            "feder_total_publie": [NAN, total],
            "feder_par_projet_publie": [NAN, par_projet],
        }
    )


def test_resume_iti():
    assert narr.resume_iti(_iti(7, 1053610.0)) == (
        f"**7 projets** déposés à la Région, qui mobilisent **1{F}053{F}610{U}€ de FEDER** au total. Le rapport ne "
        f"ventile pas ce montant par projet."
    )
    assert narr.resume_iti(_iti(1, 1000.0)) == (
        f"**1 projet** déposé à la Région, qui mobilise **1{F}000{U}€ de FEDER** au total. Le rapport ne ventile pas "
        f"ce montant par projet."
    )
    assert narr.resume_iti(_iti(7, 1000.0, par_projet=1000.0)).endswith("de FEDER** au total.")
    assert narr.resume_iti(_iti(2, NAN)) == (
        "**2 projets** déposés à la Région ; le rapport ne publie pas le montant de FEDER mobilisé."
    )
    assert narr.resume_iti(_iti(2, NAN).iloc[0:0]) == ""


def test_citations_sans_table():
    conc = pd.DataFrame(
        {
            "citation": ["12 avenants signés", "3 conventions"],
            "valeur_publiee": [12.0, 3.0],
            "unite": ["avenants", "conventions"],
        }
    )
    assert narr.citations_sans_table(conc) == (
        "Le rapport indique aussi : « 12 avenants signés » (12 avenants, chiffre sans table pour le recalculer)."
        "\n\nLe rapport indique aussi : « 3 conventions » (3 conventions, chiffre sans table pour le recalculer)."
    )
    assert narr.citations_sans_table(conc.iloc[0:0]) == ""


# --------------------------------------------------------------------------------------------- tableaux affichés


def test_vue_projets_et_formats():
    projets = _conf(
        id=["a"],
        libelle=["Projets retenus"],
        valeur_publiee=[129.0],
        valeur_recalculee=[131.0],
        ecart=[2.0],
        statut=["écart documenté"],
        base=["actions"],
    ).set_index("id")
    vue = pp.vue_projets(projets)
    assert list(vue.columns) == [
        "Chiffre du rapport",
        "Publié (projets)",
        "Recalculé (projets)",
        "Écart (projets)",
        "Statut",
        "Base du recalcul",
    ]
    f = pp.formats_programmation(vue)
    assert f["Écart (projets)"](vue["Écart (projets)"].iloc[0]) == "+2"
    assert set(f) == {"Publié (projets)", "Recalculé (projets)", "Écart (projets)"}


def test_formats_programmation_colonnes_d_annee():
    vue = pd.DataFrame({"Action": ["Nager"], "2018": [4.0], "2019": [4.5], "Unité": ["séances"]})
    f = pp.formats_programmation(vue)
    assert set(f) == {"2018", "2019"} and f["2019"](4.5) == "4,5" and f["2018"](4.0) == "4"


def test_vue_tableau_porteurs_sans_colonne_type_si_un_seul_type():
    tp = pd.DataFrame(
        {
            "porteur": ["A", "B"],
            "type_porteur": ["association"] * 2,
            "projets": [2, 1],
            "lignes": [1, 1],
            "graphies": ["A", "B"],
        }
    )
    assert "Type" not in pp.vue_tableau_porteurs(tp).columns
    assert "Type" in pp.vue_tableau_porteurs(tp.assign(type_porteur=["association", "commune"])).columns


def test_vue_evolutions_garde_les_annees_avec_une_annee_precedente():
    s = pd.DataFrame(
        {
            "action": ["N", "N"],
            "indicateur": ["s", "s"],
            "unite": ["", ""],
            "annee_precedente": [NAN, 2018.0],
            "valeur_precedente": [NAN, 4.0],
            "annee": [2018, 2019],
            "valeur_num": [4.0, 6.0],
            "variation_absolue": [NAN, 2.0],
            "variation_relative": [NAN, 50.0],
            "variation_approximative": [False, True],
        }
    )
    vue = pp.vue_evolutions(s)
    assert len(vue) == 1 and vue["Évolution approximative"].iloc[0] == "oui"
    f = pp.formats_programmation(vue)
    assert f["Évolution (%)"](50.0) == f"+50,0{U}%" and f["Année"](2019) == "2019"


@pytest.mark.parametrize("section", [False, True])
def test_vue_concordance(section):
    conc = pd.DataFrame(
        {
            "section": ["2.3"],
            "libelle": ["Communes aidées"],
            "valeur_publiee": [4.0],
            "unite": ["communes"],
            "valeur_recalculee": [3.0],
            "statut": ["écart"],
        }
    )
    vue = pp.vue_concordance(conc, section=section)
    assert ("Section" in vue.columns) is section
    assert list(vue.columns)[-4:] == ["Publié", "Unité", "Recalculé", "Statut"]
