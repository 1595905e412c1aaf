# Hard calls of R/qtl2 crosses (x$geno) as integer codes with state labels, for as_gp_data().

# Multi-parent cross types of qtl2 (those that need founder genotypes). Their x$geno holds SNP
# genotypes, coded like a two-parent cross: 1 = AA, 2 = AB, 3 = BB in the SNP's own alleles.
qtl2_multi_parent_re <- "^(do|hs|ail3|dh6|magic19|(riself|risib)(4|8|16)|gen(ail|ril)[0-9]+)$"
# Of these, the outbred ones, whose males are hemizygous on the X chromosome (coded 1 or 3);
# in the inbred lines the X chromosome is homozygous like an autosome.
qtl2_outbred_re <- "^(do|hs|ail3|genail[0-9]+)$"

qtl2_is_multi_parent <- function(crosstype) grepl(qtl2_multi_parent_re, crosstype)

# The genotype states of a cross's hard calls: autosomal labels (for qtl2 codes 1, 2, ...),
# whether males get hemizygous X states, and whether labels use the cross's allele letters.
qtl2_call_scheme <- function(crosstype) {
  if (crosstype %in% qtl2_two_parent) {
    auto <- switch(crosstype, bc = c("AA", "AB"), f2 = c("AA", "AB", "BB"), c("AA", "BB"))
    return(list(auto = auto, hemizygous = crosstype %in% c("bc", "f2"), multi = FALSE))
  }
  if (qtl2_is_multi_parent(crosstype)) {
    return(list(auto = c("AA", "AB", "BB"), multi = TRUE,
                hemizygous = grepl(qtl2_outbred_re, crosstype)))
  }
  stop(sprintf(paste0("Hard calls of cross type '%s' are not supported (two-parent: %s; ",
                      "multi-parent: do, hs, magic19, riself4/8/16, risib4/8, genril*, ",
                      "genail*, ail3, dh6); pass genotype or allele probabilities in `probs`."),
               crosstype, paste(qtl2_two_parent, collapse = ", ")), call. = FALSE)
}

# qtl2 codes genotypes 1, 2, 3 as AA, AB, BB in bc, f2 and multi-parent crosses (SNP genotypes
# there; 4, 5: partially informative F2 calls), 1, 2 as AA, BB in two-parent homozygous lines,
# and a hemizygous male's X as 1 (AY) or 3 (BY); 0 is missing.
qtl2_hard_calls <- function(x, chrs, coding) {
  scheme <- qtl2_call_scheme(x$crosstype)
  auto <- scheme$auto
  has_x <- scheme$hemizygous && any(x$is_x_chr[chrs] %in% TRUE)
  x_states <- if (has_x) c("AY", "BY") else character(0)
  generic <- c(auto, x_states)
  dose <- c(AA = 0L, AB = 1L, BB = 2L, AY = 0L, BY = 2L)
  female <- qtl2_is_female(x)
  pieces <- lapply(chrs, function(ch) {
    g <- x$geno[[ch]]
    lab <- matrix(qtl2_code_lookup(auto, g), nrow(g), ncol(g), dimnames = dimnames(g))
    if (isTRUE(x$is_x_chr[[ch]]) && length(x_states)) {
      male <- !female[rownames(g)] %in% TRUE
      lab[male, ] <- qtl2_code_lookup(c("AY", NA, "BY"), g[male, , drop = FALSE])
    }
    code <- if (coding == "dosage") dose[lab] else match(lab, generic) - 1L
    matrix(as.integer(code), nrow(g), ncol(g), dimnames = dimnames(g))
  })
  labels <- if (scheme$multi) generic else qtl2_label_genotypes(generic, qtl2_allele_letters(x))
  states <- if (coding == "dosage") as.character(0:2) else labels
  if (coding == "dosage" && x$crosstype == "bc" && !has_x) {
    states <- c("0", "1")
  }
  list(geno = do.call(cbind, pieces), states = states,
       source = if (scheme$multi) "SNP hard calls" else "hard calls",
       chr = rep(chrs, vapply(pieces, ncol, integer(1))))
}

# Labels of qtl2 genotype codes 1..length(table); 0 (missing) and other codes give NA.
qtl2_code_lookup <- function(table, g) {
  g <- as.vector(g)
  g[g < 1L | g > length(table)] <- NA_integer_
  table[g]
}

# Generic genotype labels (letters A, B, Y) written with the cross's allele names.
qtl2_label_genotypes <- function(generic, alleles) {
  vapply(strsplit(generic, ""), function(ch) {
    paste(c(A = alleles[1L], B = alleles[2L], Y = "Y")[ch], collapse = "")
  }, character(1))
}

qtl2_allele_letters <- function(x) {
  al <- x$alleles
  if (is.null(al) || length(al) < 2L) al <- c("A", "B")
  al
}

# Named logical (ids) of females; when the cross records no sex everybody is coded as a female
# (autosomal states), the coding qtl2 itself assumes then.
qtl2_is_female <- function(x) {
  f <- x$is_female
  if (is.null(f)) {
    ids <- rownames(x$geno[[1L]])
    f <- stats::setNames(rep(TRUE, length(ids)), ids)
  }
  f
}
