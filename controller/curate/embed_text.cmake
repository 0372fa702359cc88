# Turns a text file into a C++ raw string constant: -DINPUT= -DOUTPUT= -DNAME=
file(READ ${INPUT} content)
file(WRITE ${OUTPUT} "constexpr const char ${NAME}[] = R\"ns_embed(${content})ns_embed\";\n")
