#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "zoo_kernels.h"
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  int m=atoi(argv[1]),k=atoi(argv[2]),n=atoi(argv[3]);int reps=atoi(argv[4]);
  float*a=aligned_alloc(64,sizeof(float)*m*k),*b=aligned_alloc(64,sizeof(float)*((n+15)/16*16)*k),*c=aligned_alloc(64,sizeof(float)*m*n);
  for(long i=0;i<(long)m*k;i++)a[i]=rand()/(float)RAND_MAX;
  for(long i=0;i<(long)((n+15)/16*16)*k;i++)b[i]=rand()/(float)RAND_MAX;
  for(int r=0;r<3;r++)zoo_packed_multiply(a,m,k,n,b,c,0);
  double best=1e9;
  for(int t=0;t<5;t++){double s=now();for(int r=0;r<reps;r++)zoo_packed_multiply(a,m,k,n,b,c,0);double e=(now()-s)/reps;if(e<best)best=e;}
  printf("packed %dx%dx%d: %.1f us, %.1f GFLOP/s\n",m,k,n,best*1e6,2.0*m*k*n/best*1e-9);
  // lstm cell over m rows of size n/4
  int size=n/4; float*in=calloc(m*n,4),*rec=calloc(m*n,4),*pc=calloc(m*size,4),*g=calloc(m*n,4),*ex=calloc(m*size,4),*h=calloc(m*size,4),*cc=calloc(m*size,4),*hb=calloc(n,4);
  zoo_cell_step st={.input=in,.recurrent=rec,.hidden_bias=hb,.previous_hidden=h,.previous_cell=pc,.gates=g,.extra=ex,.hidden=h,.cell=cc};
  best=1e9;
  for(int t=0;t<5;t++){double s=now();for(int r=0;r<reps;r++)zoo_lstm_forward(&st,0,m,size);double e=(now()-s)/reps;if(e<best)best=e;}
  printf("lstm cell %d rows size %d: %.1f us\n",m,size,best*1e6);
}
